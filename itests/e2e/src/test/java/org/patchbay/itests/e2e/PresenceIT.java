package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Presence through the real distribution with SIPp peers: PUBLISH (RFC 3903) with its refusals, a presence watcher
 * that sees every change (RFC 3856), BLF (RFC 4235) during a call, the composed "on the phone", the REST and shell
 * views, subscribers told to re-subscribe when the bundle is updated or after a crash, publications surviving it, and
 * interop with baresip's presence module.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PresenceIT {
    static final String DOMAIN = "presence.test";
    private static final String PASSWORD = "presence-secret-1";

    private Distribution node;
    private Path work;

    @BeforeAll
    void start() throws Exception {
        node = Distribution.copy("presence");
        node.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + node.sip, "tcp.port",
                "" + node.sip, "tls.port", "" + node.sipTls, "domain", DOMAIN));
        node.start();
        work = Files.createDirectories(node.home.resolve("sipp"));
        for (String u : new String[] {"alice", "bob", "carol"}) {
            var r = node.api("POST", "/users", "{\"user\":\"" + u + "@" + DOMAIN + "\",\"password\":\"" + PASSWORD + "\"}");
            assertEquals(201, r.statusCode(), r.body());
            Files.writeString(work.resolve(u + ".csv"), "SEQUENTIAL\n" + u + ";[authentication username=" + u
                    + " password=" + PASSWORD + "];" + DOMAIN + "\n");
        }
        assertTrue(Distribution.waitFor(20_000, () -> cli("pb:presence").contains("users")),
                "presence up; output:\n" + String.join("\n", node.output()));
    }

    @AfterAll
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void offlineUntilRegisteredThenAvailable() throws Exception {
        assertTrue(presence("alice").contains("\"status\":\"offline\""), presence("alice"));
        register("alice");
        assertTrue(Distribution.waitFor(5_000, () -> presence("alice").contains("\"status\":\"available\"")),
                presence("alice"));
    }

    /**
     * A watcher sees available, away (published), busy (modified); refusals change nothing; unsubscribe ends it. Alice
     * watches her watchers (presence.winfo): nobody, carol, nobody.
     */
    @Test
    @Order(2)
    void publishedStatesReachTheWatcher() throws Exception {
        try (Sipp winfo = Sipp.start(work, 0, "subscribe_winfo.xml", "127.0.0.1:" + node.sip, "-inf", csv("alice"),
                "-s", "alice", "-m", "1", "-timeout", "30", "-timeout_error")) {
            assertTrue(Distribution.waitFor(10_000, () -> cli("pb:subs").contains("presence.winfo")), cli("pb:subs"));
            try (Sipp watcher = Sipp.start(work, 0, "subscribe_presence.xml", "127.0.0.1:" + node.sip, "-inf",
                    csv("carol"), "-s", "alice", "-m", "1", "-timeout", "30", "-timeout_error")) {
                assertTrue(Distribution.waitFor(10_000, () -> cli("pb:subs").contains("carol@" + DOMAIN)),
                        cli("pb:subs"));
                try (Sipp publisher = Sipp.start(work, 0, "publish_flow.xml", "127.0.0.1:" + node.sip, "-inf",
                        csv("alice"), "-s", "bob", "-m", "1", "-timeout", "30", "-timeout_error")) {
                    assertEquals(0, publisher.await(30), "publisher: " + publisher.output());
                }
                assertEquals(0, watcher.await(30), "watcher: " + watcher.output());
            }
            assertEquals(0, winfo.await(30), "watcher info: " + winfo.output());
        }
        String alice = presence("alice");
        assertTrue(alice.matches(".*\"status\":\"busy\".*\"note\":\"in a meeting\".*\"publications\":\\[\\{.*"), alice);
        assertTrue(cli("pb:presence alice@" + DOMAIN).contains("1 publication"), cli("pb:presence alice@" + DOMAIN));
        assertTrue(Distribution.waitFor(5_000, () -> cli("pb:subs").contains("0 subscriptions")), cli("pb:subs"));
    }

    /** BLF: early, confirmed, terminated for the callee; while the call is up the callee is on the phone. */
    @Test
    @Order(3)
    void blfFollowsACallAndPresenceSaysOnThePhone() throws Exception {
        int bobPort = register("bob");
        try (Sipp blf = Sipp.start(work, 0, "blf_watch.xml", "127.0.0.1:" + node.sip, "-inf", csv("carol"), "-s", "bob",
                "-m", "1", "-timeout", "30", "-timeout_error")) {
            assertTrue(Distribution.waitFor(10_000, () -> cli("pb:subs").contains("dialog")), cli("pb:subs"));
            try (Sipp uas = Sipp.start(work, bobPort, "uas_ring_answer.xml", null, "-m", "1", "-timeout", "30",
                    "-timeout_error");
                    Sipp uac = Sipp.start(work, 0, "uac_call.xml", "127.0.0.1:" + node.sip, "-inf", csv("alice"), "-s",
                            "bob", "-m", "1", "-d", "2500", "-timeout", "30", "-timeout_error")) {
                assertTrue(Distribution.waitFor(10_000, () -> presence("bob").contains("\"status\":\"on-the-phone\"")),
                        presence("bob"));
                assertEquals(0, uac.await(30), "caller: " + uac.output());
                assertEquals(0, uas.await(30), "callee: " + uas.output());
            }
            assertEquals(0, blf.await(30), "BLF watcher: " + blf.output());
        }
        assertTrue(Distribution.waitFor(5_000, () -> presence("bob").contains("\"status\":\"available\"")),
                presence("bob"));
    }

    /** Stop/update/start of the bundle: the subscriber gets terminated;reason=deactivated, nothing is left over. */
    @Test
    @Order(4)
    void bundleUpdateTellsSubscribersToResubscribe() throws Exception {
        try (Sipp watcher = Sipp.start(work, 0, "subscribe_deactivated.xml", "127.0.0.1:" + node.sip, "-inf",
                csv("carol"), "-s", "alice", "-m", "1", "-timeout", "30", "-timeout_error")) {
            assertTrue(Distribution.waitFor(10_000, () -> cli("pb:subs").contains("\n1 subscription")), cli("pb:subs"));
            var subs = node.api("GET", "/presence-subscriptions", null);
            assertTrue(subs.statusCode() == 200 && subs.body().contains("\"watcher\":\"carol@" + DOMAIN + "\""),
                    subs.body());
            Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\|Active.*org\\.patchbay\\.presence\\b").matcher(cli("lb -s"));
            assertTrue(m.find(), cli("lb -s"));
            cli("update " + m.group(1));
            assertEquals(0, watcher.await(30), "watcher: " + watcher.output());
        }
        assertTrue(Distribution.waitFor(10_000, () -> cli("pb:subs").contains("0 subscriptions")), cli("pb:subs"));
        assertTrue(Distribution.waitFor(10_000, () -> presence("alice").contains("in a meeting")), presence("alice"));
    }

    /**
     * A crash (kill -9): the next start tells the stored subscriber to re-subscribe (terminated;reason=deactivated from
     * the stored dialog), and the stored publication is back; it can then be removed (Expires 0).
     */
    @Test
    @Order(5)
    void afterACrashSubscribersAreToldAndPublicationsAreBack() throws Exception {
        try (Sipp watcher = Sipp.start(work, 0, "subscribe_deactivated.xml", "127.0.0.1:" + node.sip, "-inf",
                csv("carol"), "-s", "alice", "-m", "1", "-timeout", "40", "-timeout_error")) {
            assertTrue(Distribution.waitFor(10_000, () -> cli("pb:subs").contains("\n1 subscription")), cli("pb:subs"));
            node.kill9();
            node.start();
            assertEquals(0, watcher.await(40), "watcher: " + watcher.output());
        }
        assertTrue(Distribution.waitFor(5_000, () -> cli("pb:subs").contains("0 subscriptions")), cli("pb:subs"));
        String alice = presence("alice");
        assertTrue(alice.contains("\"note\":\"in a meeting\""), alice);
        Matcher etag = Pattern.compile("\"etag\":\"([0-9a-z]+)\"").matcher(alice);
        assertTrue(etag.find(), alice);
        try (Sipp remove = Sipp.start(work, 0, "publish_remove.xml", "127.0.0.1:" + node.sip, "-inf", csv("alice"),
                "-key", "etag", etag.group(1), "-m", "1", "-timeout", "15", "-timeout_error")) {
            assertEquals(0, remove.await(20), remove.output());
        }
        assertTrue(presence("alice").contains("\"publications\":[]"), presence("alice"));
        var all = node.api("GET", "/presence", null);
        assertEquals(200, all.statusCode(), all.body());
        assertEquals(400, node.api("GET", "/presence/not%20a%20user", null).statusCode());
    }

    /**
     * Interop with baresip's presence module (PUBLISH and SUBSCRIBE, p2p contacts): alice's baresip sees bob come
     * online when his baresip registers and publishes, and go offline when bob sets his presence offline.
     */
    @Test
    @Order(6)
    void baresipWatchersSeeEachOther() throws Exception {
        Path alicePath = Files.createDirectories(work.resolve("baresip-alice"));
        try (PresenceUa alice = PresenceUa.start(alicePath, "alice", "bob", node.sip)) {
            assertTrue(alice.waitFor("alice@" + DOMAIN + ": \\{0/UDP/v4\\} 200 OK", 15_000), alice.output());
            try (PresenceUa bob = PresenceUa.start(Files.createDirectories(work.resolve("baresip-bob")), "bob", "alice",
                    node.sip)) {
                assertTrue(bob.waitFor("bob@" + DOMAIN + ": \\{0/UDP/v4\\} 200 OK", 15_000), bob.output());
                assertTrue(Distribution.waitFor(15_000, () -> alice.contacts().contains("Online")),
                        alice.contacts() + "\n" + alice.output() + "\n--- bob ---\n" + bob.output());
                assertTrue(Distribution.waitFor(5_000, () -> cli("pb:subs").contains("\n2 subscriptions")),
                        cli("pb:subs"));
                bob.command("presence_offline");
                assertTrue(Distribution.waitFor(15_000, () -> alice.contacts().contains("Offline")),
                        alice.contacts() + "\n" + alice.output() + "\n--- bob ---\n" + bob.output());
                assertTrue(presence("bob").contains("\"basic\":\"closed\""), presence("bob"));
            }
        }
    }

    /** One baresip 1.0 with the presence module: registers, publishes, and watches one contact (presence=p2p). */
    private static final class PresenceUa implements AutoCloseable {
        private final Process process;
        private final Path log;
        private final int ctrl;

        private PresenceUa(Process process, Path log, int ctrl) {
            this.process = process;
            this.log = log;
            this.ctrl = ctrl;
        }

        static PresenceUa start(Path dir, String user, String contact, int registrar) throws Exception {
            int sip = sipPort();
            int ctrl = Distribution.freePort();
            Files.writeString(dir.resolve("config"), String.join("\n", "poll_method epoll", "net_interface 127.0.0.1",
                    "sip_listen 127.0.0.1:" + sip, "audio_player aubridge,nil", "audio_source aubridge,nil",
                    "audio_alert aubridge,nil", "module_path /usr/lib/baresip/modules", "module g711.so",
                    "module aubridge.so", "module_tmp account.so", "module_app contact.so", "module_app presence.so",
                    "module_app ctrl_tcp.so", "ctrl_tcp_listen 127.0.0.1:" + ctrl, ""));
            Files.writeString(dir.resolve("accounts"), "<sip:" + user + "@" + DOMAIN + ";transport=udp>;auth_pass="
                    + PASSWORD + ";outbound=\"sip:127.0.0.1:" + registrar + ";transport=udp\";regint=300;pubint=120"
                    + ";audio_codecs=PCMU\n");
            Files.writeString(dir.resolve("contacts"), "\"" + contact + "\" <sip:" + contact + "@" + DOMAIN
                    + ">;presence=p2p\n");
            Path log = dir.resolve("out.log");
            Process p = new ProcessBuilder(Baresip.BINARY.toString(), "-v", "-f", dir.toString()).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return new PresenceUa(p, log, ctrl);
        }

        /** A UDP/TCP port whose successor is free too (baresip puts TLS there). */
        private static int sipPort() throws Exception {
            for (int i = 0; i < 50; i++) {
                int p = Distribution.freePort();
                try (ServerSocket next = new ServerSocket(p + 1, 1,
                        InetAddress.getLoopbackAddress())) {
                    return p;
                } catch (IOException e) {
                    // taken: try another
                }
            }
            throw new IllegalStateException("no free port pair for baresip");
        }

        boolean waitFor(String regex, long millis) {
            Pattern p = Pattern.compile(regex);
            return Distribution.waitFor(millis, () -> p.matcher(output()).find() || !process.isAlive());
        }

        /** A ctrl_tcp command (netstring JSON); returns the response netstring's JSON. */
        String command(String command) throws IOException {
            try (Socket s = new Socket("127.0.0.1", ctrl)) {
                s.setSoTimeout(5000);
                byte[] json = ("{\"command\":\"" + command + "\",\"token\":\"t1\"}").getBytes(StandardCharsets.UTF_8);
                s.getOutputStream().write((json.length + ":").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(json);
                s.getOutputStream().write(',');
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                int length = 0;
                for (int c = in.read(); c != ':'; c = in.read()) {
                    if (c < '0' || c > '9') {
                        throw new IOException("baresip ctrl_tcp: not a netstring");
                    }
                    length = length * 10 + (c - '0');
                }
                return new String(in.readNBytes(length), StandardCharsets.UTF_8);
            }
        }

        /** The contact list with each contact's presence (Online, Offline …), or the error. */
        String contacts() {
            try {
                return command("contacts");
            } catch (IOException e) {
                return e.toString();
            }
        }

        String output() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private String csv(String user) {
        return work.resolve(user + ".csv").toString();
    }

    /** Registers {@code user} (digest) over UDP from a fresh port; returns the port. */
    private int register(String user) throws Exception {
        try (Sipp reg = Sipp.start(work, 0, "register_auth.xml", "127.0.0.1:" + node.sip, "-t", "u1", "-inf", csv(user),
                "-m", "1", "-timeout", "15", "-timeout_error")) {
            assertEquals(0, reg.await(20), reg.output());
            return reg.port;
        }
    }

    private String presence(String user) {
        try {
            var r = node.api("GET", "/presence/" + user + "@" + DOMAIN, null);
            return r.statusCode() + " " + r.body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private String cli(String command) {
        try (Telnet t = new Telnet(node.telnet)) {
            return t.run(command);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
