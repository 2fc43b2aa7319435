package org.patchbay.itests.e2e;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What SIP user agents register with and call through in the end-to-end tests: the Patchbay distribution, or, to
 * check a test harness itself against a known-good peer, the reference Kamailio of the benchmarks
 * ({@code bench/sip/kamailio.cfg}: password {@code bench-secret} for every user).
 */
interface SipTarget extends AutoCloseable {

    /** UDP and TCP port on 127.0.0.1. */
    int port();

    String domain();

    void addUser(String user, String password) throws Exception;

    /** The node's own view of the user's registration, or null when the target has none to offer. */
    String registrations(String user) throws Exception;

    /** The node's live calls with each leg's media statistics ({@code pb:calls -v}), or null when the target has none. */
    String callsWithMedia() throws Exception;

    String describe();

    /** Extra diagnostics for a failed test (logs). */
    String diagnostics();

    /**
     * The target named by system property {@code e2e.sip.target}: {@code patchbay} (default) or {@code kamailio}
     * ({@code -De2e.sip.target=kamailio} runs a test against Kamailio to validate the harness; not for CI).
     */
    static SipTarget fromSystemProperty(String name, String domain) throws Exception {
        String target = System.getProperty("e2e.sip.target", "patchbay");
        return switch (target) {
            case "patchbay" -> Patchbay.start(name, domain);
            case "kamailio" -> Kamailio.start(domain);
            default -> throw new IllegalArgumentException("e2e.sip.target: patchbay or kamailio, not " + target);
        };
    }

    /** A UDP+TCP port free on loopback (probe sockets closed before return). */
    static int freeSipPort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return udp.getLocalPort();
            } catch (IOException busy) {
                // UDP side taken: another one
            }
        }
        throw new IOException("no free UDP+TCP port");
    }

    /** The real distribution: SIP on UDP/TCP 127.0.0.1 (TLS off), users created through the REST API. */
    final class Patchbay implements SipTarget {
        final Distribution node;
        private final int port;
        private final String domain;

        private Patchbay(Distribution node, int port, String domain) {
            this.node = node;
            this.port = port;
            this.domain = domain;
        }

        static Patchbay start(String name, String domain) throws Exception {
            Distribution d = Distribution.copy(name);
            int port = freeSipPort();
            d.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + port, "tcp.port", "" + port,
                    "tls.enabled", "false", "domain", domain));
            try {
                d.start();
            } catch (RuntimeException | IOException e) {
                d.close();
                throw e;
            }
            return new Patchbay(d, port, domain);
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public String domain() {
            return domain;
        }

        @Override
        public void addUser(String user, String password) throws Exception {
            HttpResponse<String> r = node.api("POST", "/users",
                    "{\"user\":\"" + user + "@" + domain + "\",\"password\":\"" + password + "\"}");
            if (r.statusCode() != 201) {
                throw new IllegalStateException("POST /api/v1/users " + user + ": " + r.statusCode() + " " + r.body());
            }
        }

        @Override
        public String registrations(String user) throws Exception {
            try (Telnet t = new Telnet(node.telnet)) {
                return t.run("pb:regs " + user + "@" + domain);
            }
        }

        @Override
        public String callsWithMedia() throws Exception {
            try (Telnet t = new Telnet(node.telnet)) {
                return t.run("pb:calls -v");
            }
        }

        @Override
        public String describe() {
            return "Patchbay " + node.home + " (SIP 127.0.0.1:" + port + ")";
        }

        @Override
        public String diagnostics() {
            try {
                return "node output:\n" + String.join("\n", node.output()) + "\nnode log:\n" + node.log();
            } catch (IOException e) {
                return "(no node log: " + e + ")";
            }
        }

        /** SIGTERM; 30 s to stop (a loaded 2-core machine needs more than the harness's 10 s), then SIGKILL and fail. */
        @Override
        public void close() throws Exception {
            Process p = node.process();
            if (p != null && p.isAlive()) {
                try {
                    node.stop(30_000);
                } catch (IllegalStateException e) {
                    node.kill9();
                    throw e;
                }
            }
        }
    }

    /** Kamailio 5.6 with {@code bench/sip/kamailio.cfg} on a free port, in the foreground, stopped by PID. */
    final class Kamailio implements SipTarget {
        private final Process process;
        private final int port;
        private final String domain;
        private final List<String> output = new CopyOnWriteArrayList<>();

        private Kamailio(Process process, int port, String domain) {
            this.process = process;
            this.port = port;
            this.domain = domain;
        }

        static Kamailio start(String domain) throws Exception {
            if (!"bench.local".equals(domain)) {
                throw new IllegalArgumentException("bench/sip/kamailio.cfg serves bench.local only");
            }
            Path top = Path.of(System.getProperty("e2e.dist")).resolve("../../..").normalize();
            Path cfg = top.resolve("bench/sip/kamailio.cfg");
            Path base = Path.of(System.getProperty("e2e.work", System.getProperty("java.io.tmpdir")));
            Files.createDirectories(base);
            Path runDir = Files.createTempDirectory(base, "kamailio");
            int port = freeSipPort();
            Process p = new ProcessBuilder("kamailio", "-f", cfg.toString(), "-A", "SIP_PORT=" + port,
                    "-P", runDir.resolve("kamailio.pid").toString(), "-Y", runDir.toString(), "-E", "-DD")
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            Kamailio k = new Kamailio(p, port, domain);
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        k.output.add(line);
                    }
                } catch (IOException ignored) {
                    // process ended
                }
            }, "kamailio-output");
            t.setDaemon(true);
            t.start();
            String listening = "udp: 127.0.0.1 [127.0.0.1]:" + port;
            if (!Distribution.waitFor(10_000, () -> k.output.stream().anyMatch(l -> l.contains(listening)) || !p.isAlive())
                    || !p.isAlive()) {
                k.close();
                throw new IllegalStateException("kamailio did not start:\n" + String.join("\n", k.output));
            }
            Thread.sleep(300); // workers forked after the listen banner
            return k;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public String domain() {
            return domain;
        }

        @Override
        public void addUser(String user, String password) {
            if (!"bench-secret".equals(password)) {
                throw new IllegalArgumentException("bench/sip/kamailio.cfg knows only the password bench-secret");
            }
        }

        @Override
        public String registrations(String user) {
            return null;
        }

        @Override
        public String callsWithMedia() {
            return null;
        }

        @Override
        public String describe() {
            return "Kamailio (bench/sip/kamailio.cfg, 127.0.0.1:" + port + ")";
        }

        @Override
        public String diagnostics() {
            return "kamailio output:\n" + String.join("\n", output);
        }

        @Override
        public void close() throws Exception {
            process.destroy(); // SIGTERM: the main process stops its workers
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
