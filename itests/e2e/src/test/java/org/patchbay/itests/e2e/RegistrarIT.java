package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The registrar against the real distribution: SIPp and baresip register with digest authentication, raw UDP requests
 * check the refusals (identical challenges, 423, Contact *, outbound replacement, throttle, scanner drop), and pb:regs
 * shows the result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistrarIT {
    private static final String DOMAIN = "reg.test";
    private static final int SIPP_USERS = 20;

    private Distribution node;

    @BeforeAll
    void start() throws Exception {
        node = Distribution.copy("registrar");
        node.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + node.sip, "tcp.port", "" + node.sip,
                "tls.port", "" + node.sipTls, "domain", DOMAIN));
        node.start();
        for (int i = 0; i < SIPP_USERS; i++) {
            createUser(String.format("sipp%02d", i), String.format("sipp-secret-%02d", i));
        }
        for (String u : List.of("alice", "bob", "dave", "erin")) {
            createUser(u, u + " secret 1");
        }
        // baresip's accounts file cannot hold a space in auth_pass
        createUser("carol", "carol-secret-1");
        assertTrue(Distribution.waitFor(20_000, () -> sipAnswers()), "SIP up; output:\n" + String.join("\n", node.output()));
    }

    @AfterAll
    void stop() throws Exception {
        if (node == null || node.process() == null || !node.process().isAlive()) {
            return;
        }
        long pid = node.process().pid();
        node.process().destroy();
        if (!node.process().waitFor(8, TimeUnit.SECONDS)) {
            // keep what the node was waiting for: a slow stop has been seen once and not explained yet
            Path dump = node.home.resolve("slow-stop-threads.txt");
            new ProcessBuilder("jstack", "" + pid).redirectErrorStream(true).redirectOutput(dump.toFile()).start()
                    .waitFor(20, TimeUnit.SECONDS);
            System.err.println("RegistrarIT: node still running 8 s after SIGTERM; thread dump in " + dump);
        }
        node.close();
    }

    private void createUser(String user, String password) throws Exception {
        var r = node.api("POST", "/users", "{\"user\":\"" + user + "@" + DOMAIN + "\",\"password\":\"" + password + "\"}");
        assertEquals(201, r.statusCode(), r.body());
    }

    private boolean sipAnswers() {
        try (RegClient c = new RegClient("127.0.0.1", node.sip, DOMAIN)) {
            RegClient.Reply r = c.register("nobody", List.of(), 500);
            return r != null;
        } catch (Exception e) {
            return false;
        }
    }

    private String regs(String user) throws Exception {
        try (Telnet t = new Telnet(node.telnet)) {
            return t.run(user == null ? "pb:regs" : "pb:regs " + user);
        }
    }

    @Test
    void sippRegistersEveryUserWithoutAFailure() throws Exception {
        int port = sipp("udp", "u1", SIPP_USERS);
        String listing = regs("sipp");
        assertEquals(SIPP_USERS, listing.lines().filter(l -> l.contains("127.0.0.1:" + port + ";transport=UDP")).count(), listing);
        assertTrue(listing.lines().anyMatch(l -> l.matches("sipp07@reg.test +sip:sipp07@127.0.0.1:" + port
                + ";transport=UDP +udp +127.0.0.1:" + port + " +sipp-bench +\\d+ s")), listing);
    }

    @Test
    void sippOverTcp() throws Exception {
        int port = sipp("tcp", "t1", 5);
        String listing = regs("sipp03@");
        assertTrue(listing.lines().anyMatch(l -> l.matches("sipp03@reg.test +sip:sipp03@127.0.0.1:" + port
                + ";transport=TCP +tcp +127.0.0.1:\\d+ +sipp-bench +\\d+ s")), listing);
    }

    /** Runs register_auth.xml for the first {@code count} users; asserts every one got its 200; returns SIPp's port. */
    private int sipp(String name, String transport, int count) throws Exception {
        Path work = Files.createDirectories(node.home.resolve("sipp-" + name));
        int[] ports = Distribution.freePorts(2);
        Process sipp = new ProcessBuilder("sipp", "127.0.0.1:" + node.sip, "-sf", resource("sipp/register_auth.xml"),
                "-inf", resource("sipp/reg_users.csv"), "-i", "127.0.0.1", "-p", "" + ports[0], "-mp", "" + ports[1],
                "-t", transport, "-m", "" + count, "-r", "20", "-nostdin", "-timeout", "30s", "-timeout_error",
                "-trace_err", "-error_file", work.resolve("errors.log").toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("sipp.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            assertTrue(sipp.waitFor(60, TimeUnit.SECONDS), "sipp finished");
        } finally {
            sipp.destroyForcibly();
        }
        String errors = Files.exists(work.resolve("errors.log")) ? Files.readString(work.resolve("errors.log")) : "";
        assertEquals(0, sipp.exitValue(), "sipp over " + name + ": every REGISTER got its 200; errors:\n" + errors);
        return ports[0];
    }

    @Test
    void baresipRegistersWithTheDefaultChallenges() throws Exception {
        Path dir = Files.createDirectories(node.home.resolve("baresip"));
        int listen = Distribution.freePort();
        Files.writeString(dir.resolve("config"), "module_path /usr/lib/baresip/modules\nsip_listen 127.0.0.5:" + listen
                + "\nmodule_app account.so\nmodule g711.so\naudio_player aufile,/dev/null\naudio_source aufile,/dev/null\n");
        Files.writeString(dir.resolve("accounts"), "<sip:carol@127.0.0.1:" + node.sip + ">;auth_pass=carol-secret-1;regint=600"
                + ";audio_codecs=PCMU\n");
        Process baresip = new ProcessBuilder("baresip", "-f", dir.toString(), "-t", "10").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("baresip.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            assertTrue(Distribution.waitFor(8_000, () -> {
                try {
                    return regs("carol").contains("baresip v");
                } catch (Exception e) {
                    return false;
                }
            }), "baresip registered; its output:\n" + Files.readString(dir.resolve("baresip.out")));
            String listing = regs("carol");
            assertTrue(listing.contains("carol@reg.test") && listing.contains("127.0.0.5:" + listen), listing);
        } finally {
            baresip.destroy();
            if (!baresip.waitFor(15, TimeUnit.SECONDS)) {
                baresip.destroyForcibly();
            }
        }
    }

    @Test
    void wrongPasswordAndUnknownUserGetIdenticalChallenges() throws Exception {
        try (RegClient wrong = new RegClient("127.0.0.3", node.sip, DOMAIN);
             RegClient unknown = new RegClient("127.0.0.3", node.sip, DOMAIN)) {
            RegClient.Reply a = wrong.registerWithAuth("alice", "not alice's password", "SHA-256",
                    List.of("Contact: <sip:alice@" + wrong.local() + ">"));
            RegClient.Reply b = unknown.registerWithAuth("mallory", "not alice's password", "SHA-256",
                    List.of("Contact: <sip:mallory@" + wrong.local() + ">"));
            assertEquals(401, a.status(), a.text());
            assertEquals(a.shape(), b.shape());
            List<String> challenges = a.headers("WWW-Authenticate");
            assertEquals(2, challenges.size(), a.text());
            assertEquals("MD5", RegClient.param(challenges.get(0), "algorithm"), "MD5 first by default (SIPp 3.6.1)");
            assertEquals("SHA-256", RegClient.param(challenges.get(1), "algorithm"));
            assertNull(RegClient.param(challenges.get(0), "stale"));
        }
    }

    @Test
    void sha256AndMd5BothWork() throws Exception {
        for (String alg : List.of("SHA-256", "MD5")) {
            try (RegClient c = new RegClient("127.0.0.1", node.sip, DOMAIN)) {
                RegClient.Reply ok = c.registerWithAuth("dave", "dave secret 1", alg,
                        List.of("Contact: <sip:dave@" + c.local() + ">", "Expires: 120"));
                assertEquals(200, ok.status(), alg + ": " + ok.text());
                assertEquals(1, ok.headers("Date").size());
                assertTrue(ok.headers("Contact").get(0).contains("expires=120"), ok.text());
            }
        }
    }

    @Test
    void tooBriefIs423WithMinExpires() throws Exception {
        try (RegClient c = new RegClient("127.0.0.1", node.sip, DOMAIN)) {
            RegClient.Reply r = c.registerWithAuth("erin", "erin secret 1", "SHA-256",
                    List.of("Contact: <sip:erin@" + c.local() + ">", "Expires: 10"));
            assertEquals(423, r.status(), r.text());
            assertEquals(List.of("Min-Expires: 60"), r.headers("Min-Expires"));
        }
    }

    @Test
    void wildcardUnregistersEveryContact() throws Exception {
        try (RegClient c = new RegClient("127.0.0.1", node.sip, DOMAIN)) {
            RegClient.Reply two = c.registerWithAuth("bob", "bob secret 1", "MD5",
                    List.of("Contact: <sip:bob@10.1.1.1:5060>, <sip:bob@10.1.1.2:5060>"));
            assertEquals(200, two.status(), two.text());
            assertTrue(regs("bob@").endsWith("2 registrations"), regs("bob@"));
            RegClient.Reply bad = c.registerWithAuth("bob", "bob secret 1", "MD5", List.of("Contact: *"));
            assertEquals(400, bad.status(), bad.text());
            RegClient.Reply gone = c.registerWithAuth("bob", "bob secret 1", "MD5", List.of("Contact: *", "Expires: 0"));
            assertEquals(200, gone.status(), gone.text());
            assertEquals(List.of(), gone.headers("Contact"));
            assertEquals("no registrations match 'bob@'", regs("bob@"));
        }
    }

    @Test
    void reRegisteringTheSameInstanceReplacesItsBinding() throws Exception {
        String instance = ";+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";reg-id=1";
        try (RegClient first = new RegClient("127.0.0.1", node.sip, DOMAIN);
             RegClient moved = new RegClient("127.0.0.1", node.sip, DOMAIN)) {
            RegClient.Reply a = first.registerWithAuth("alice", "alice secret 1", "SHA-256",
                    List.of("Supported: outbound", "Contact: <sip:alice@" + first.local() + ";ob>" + instance));
            assertEquals(200, a.status(), a.text());
            assertEquals(List.of("Require: outbound"), a.headers("Require"));
            RegClient.Reply b = moved.registerWithAuth("alice", "alice secret 1", "SHA-256",
                    List.of("Supported: outbound", "Contact: <sip:alice@" + moved.local() + ";ob>" + instance));
            assertEquals(200, b.status(), b.text());
            assertEquals(1, b.headers("Contact").size(), b.text());
            String listing = regs("alice@");
            assertTrue(listing.endsWith("1 registration") && listing.contains(moved.local())
                    && !listing.contains(first.local()), listing);
        }
    }

    @Test
    void repeatedFailuresStartOneLoggedCooldown() throws Exception {
        try (RegClient attacker = new RegClient("127.0.0.2", node.sip, DOMAIN);
             RegClient other = new RegClient("127.0.0.1", node.sip, DOMAIN)) {
            for (int i = 0; i <= 10; i++) {
                RegClient.Reply r = attacker.registerWithAuth("erin", "guess " + i, "MD5", List.of("Contact: <sip:erin@1.2.3.4>"));
                assertNotNull(r, "failure " + i + " is still answered");
                assertEquals(401, r.status());
            }
            assertNull(attacker.register("erin", List.of(), 1500), "the source is refused: no answer");
            assertNull(attacker.register("erin", List.of(), 500), "still refused");
            RegClient.Reply fine = other.register("erin", List.of(), 3000);
            assertNotNull(fine, "other sources are still served");
            assertTrue(Distribution.waitFor(5_000, () -> logCount("SIP authentication from 127.0.0.2 failed") == 1),
                    "one log line when the cool-down starts");
            Thread.sleep(300);
            assertEquals(1, logCount("SIP authentication from 127.0.0.2 failed"));
            assertFalse(log().contains("guess "), "passwords are not logged");
        }
    }

    @Test
    void scannersGetNoAnswer() throws Exception {
        try (RegClient scanner = new RegClient("127.0.0.4", node.sip, DOMAIN);
             RegClient phone = new RegClient("127.0.0.4", node.sip, DOMAIN)) {
            assertNull(scanner.userAgent("friendly-scanner").register("100", List.of("Contact: <sip:100@1.2.3.4>"), 1500));
            assertNull(scanner.userAgent("sipvicious").register("100", List.of(), 500));
            RegClient.Reply r = phone.register("100", List.of("Contact: <sip:100@1.2.3.4>"), 3000);
            assertNotNull(r, "the same address with a phone's User-Agent is answered");
            assertEquals(401, r.status());
        }
    }

    private long logCount(String text) {
        return log().lines().filter(l -> l.contains(text)).count();
    }

    private String log() {
        try {
            return node.log();
        } catch (Exception e) {
            return "";
        }
    }

    private static String resource(String name) throws URISyntaxException {
        return Path.of(RegistrarIT.class.getClassLoader().getResource(name).toURI()).toString();
    }
}
