package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The media engine in the real distribution with SIPp on both sides: RTP from a pcap (Debian sip-tester's g711a.pcap)
 * goes through the node to a SIPp callee that echoes it back, and {@code pb:calls -v} shows it both ways on both legs;
 * a call without media is ended by the media timeout; stopping the media bundle during a call sends BYE to both
 * parties. Each outcome must be in the CDR.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaIT {
    private static final String DOMAIN = "media.test";
    private static final String PASSWORD = "media-secret-1";
    private static final Path PCAP = Path.of("/usr/share/sip-tester/g711a.pcap");
    private static final int TIMEOUT_SECONDS = 5;
    private static final Pattern LEG = Pattern.compile("media (\\S+) 127\\.0\\.0\\.1:\\d+ <-> 127\\.0\\.0\\.1:\\d+ "
            + "sendrecv latched; in (\\d+) pkt (\\d+) B lost (\\d+) .*; out (\\d+) pkt");

    private Distribution node;
    private Path work;
    private Path caller;
    private final AtomicInteger callees = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        assertTrue(Files.isReadable(PCAP), PCAP + " missing (apt-get install sip-tester)");
        node = Distribution.copy("media");
        node.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + node.sip, "tcp.port",
                "" + node.sip, "tls.port", "" + node.sipTls, "domain", DOMAIN));
        node.writeConf("org.patchbay.media.cfg", Map.of("host", "127.0.0.1", "address", "127.0.0.1",
                "media.timeout.seconds", "" + TIMEOUT_SECONDS));
        node.start();
        work = Files.createDirectories(node.home.resolve("sipp"));
        createUser("alice");
        caller = work.resolve("alice.csv");
        Files.writeString(caller, "SEQUENTIAL\nalice;[authentication username=alice password=" + PASSWORD + "];" + DOMAIN + "\n");
        assertTrue(Distribution.waitFor(20_000, () -> cli("pb:status").matches("(?s).*media +UP.*")),
                "media engine up: " + cli("pb:status"));
    }

    @AfterAll
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void rtpFromAPcapIsRelayedBothWaysWithStatistics() throws Exception {
        String callee = newCallee();
        int port = register(callee);
        try (Sipp uas = Sipp.start(work, port, "uas_media.xml", null, "-m", "1", "-rtp_echo", "-timeout", "30",
                "-timeout_error")) {
            Thread.sleep(200);
            try (Sipp uac = uac("uac_media.xml", callee, "8000")) {
                // the pcap holds 236 packets; most of them must have crossed the node both ways while the call is up
                String[] seen = {""};
                boolean flowed = Distribution.waitFor(10_000, () -> {
                    seen[0] = cli("pb:calls -v");
                    return legs(seen[0]).values().stream().allMatch(v -> v[0] >= 150 && v[2] >= 150)
                            && legs(seen[0]).size() == 2;
                });
                assertTrue(flowed, "expected both legs with >= 150 packets in and out:\n" + seen[0]);
                System.out.println("MediaIT pb:calls -v:\n" + seen[0]);
                for (long[] v : legs(seen[0]).values()) {
                    assertTrue(v[1] >= v[0] * 172, "each PCMA packet carries 160 bytes of audio plus 12 of header");
                    assertEquals(0, v[3], "nothing lost on loopback:\n" + seen[0]);
                }
                assertEquals(0, uac.await(30), "caller: " + uac.output());
            }
            assertEquals(0, uas.await(30), "callee: " + uas.output());
        }
        assertCdr(callee, "200 +normal +caller");
        assertTrue(Distribution.waitFor(5_000, () -> mediaHealth().startsWith("0 calls, 0 of ")), mediaHealth());
    }

    @Test
    void aCallWithoutMediaIsEndedByTheMediaTimeout() throws Exception {
        String callee = newCallee();
        int port = register(callee);
        long t0 = System.nanoTime();
        try (Sipp uas = Sipp.start(work, port, "uas_answer.xml", null, "-m", "1", "-timeout", "30", "-timeout_error");
                Sipp uac = uac("uac_wait_bye.xml", callee, "0")) {
            assertEquals(0, uac.await(30), "caller got the node's BYE: " + uac.output());
            assertEquals(0, uas.await(30), "callee got the node's BYE: " + uas.output());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds >= TIMEOUT_SECONDS, "ended after " + seconds + " s, before the timeout");
        assertCdr(callee, "200 +media-timeout +system");
    }

    @Test
    void stoppingTheMediaBundleEndsItsCallsWithBye() throws Exception {
        String callee = newCallee();
        int port = register(callee);
        try (Sipp uas = Sipp.start(work, port, "uas_answer.xml", null, "-m", "1", "-timeout", "30", "-timeout_error");
                Sipp uac = uac("uac_wait_bye.xml", callee, "0")) {
            assertTrue(Distribution.waitFor(4_000, () -> cli("pb:calls").matches("(?s).*" + callee + "@\\S+ +answered.*")),
                    cli("pb:calls"));
            String id = mediaBundleId();
            try {
                cli("stop " + id);
                assertEquals(0, uac.await(30), "caller got BYE: " + uac.output());
                assertEquals(0, uas.await(30), "callee got BYE: " + uas.output());
            } finally {
                cli("start " + id);
            }
        }
        assertCdr(callee, "200 +media-stopped +system");
        assertTrue(Distribution.waitFor(10_000, () -> mediaHealth().startsWith("0 calls, 0 of ")), mediaHealth());
    }

    /** Leg id → {packets in, bytes in, packets out, lost} of every media line in {@code pb:calls -v}. */
    private static Map<String, long[]> legs(String calls) {
        Map<String, long[]> legs = new java.util.HashMap<>();
        Matcher m = LEG.matcher(calls);
        while (m.find()) {
            legs.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(5)), Long.parseLong(m.group(4))});
        }
        return legs;
    }

    private String mediaBundleId() {
        String lb = cli("lb -s org.patchbay.media");
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\|Active\\s*\\|\\s*\\d+\\|org\\.patchbay\\.media\\b").matcher(lb);
        assertTrue(m.find(), lb);
        return m.group(1);
    }

    private String mediaHealth() {
        for (String line : cli("pb:status").split("\n")) {
            String l = line.strip();
            if (l.startsWith("media ")) {
                return l.replaceFirst("^media +UP +", "");
            }
        }
        return "(no media check)";
    }

    private String newCallee() throws Exception {
        String callee = "m" + callees.incrementAndGet();
        createUser(callee);
        Files.writeString(work.resolve(callee + ".csv"), "SEQUENTIAL\n" + callee + ";[authentication username=" + callee
                + " password=" + PASSWORD + "];" + DOMAIN + "\n");
        return callee;
    }

    private int register(String callee) throws Exception {
        try (Sipp reg = Sipp.start(work, 0, "register_auth.xml", "127.0.0.1:" + node.sip, "-inf",
                work.resolve(callee + ".csv").toString(), "-m", "1", "-timeout", "15", "-timeout_error")) {
            assertEquals(0, reg.await(20), reg.output());
            return reg.port;
        }
    }

    private Sipp uac(String scenario, String callee, String pauseMillis) throws Exception {
        return Sipp.start(work, 0, scenario, "127.0.0.1:" + node.sip, "-inf", caller.toString(), "-s", callee, "-m",
                "1", "-d", pauseMillis, "-timeout", "30", "-timeout_error");
    }

    /** The newest record is this call's, with the expected code, reason and side; and nothing is left live. */
    private void assertCdr(String callee, String expected) {
        String who = callee + "@" + DOMAIN;
        assertTrue(Distribution.waitFor(5_000, () -> cli("pb:cdr 1").contains(who)), cli("pb:cdr 3"));
        String row = cli("pb:cdr 1").split("\n")[1].strip();
        assertTrue(row.matches(".*alice@" + DOMAIN + " +" + who + " +.*" + expected + "( +\\d+)?"), row);
        assertTrue(Distribution.waitFor(5_000, () -> !cli("pb:calls").contains(who)), cli("pb:calls"));
    }

    private void createUser(String user) throws Exception {
        var r = node.api("POST", "/users", "{\"user\":\"" + user + "@" + DOMAIN + "\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(201, r.statusCode(), r.body());
    }

    private String cli(String command) {
        try (Telnet t = new Telnet(node.telnet)) {
            return t.run(command);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
