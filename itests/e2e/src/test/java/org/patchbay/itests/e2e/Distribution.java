package org.patchbay.itests.e2e;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A private copy of the built distribution ({@code runtime/target/patchbay}) with free ports in its
 * {@code conf/}, started as a real process through {@code bin/patchbay run}. Stopped (SIGTERM) on close.
 */
final class Distribution implements AutoCloseable {

    final Path home;
    final int http;
    final int https;
    final int telnet;
    /** SIP: UDP and TCP share {@link #sip}; TLS on {@link #sipTls}. The stack binds 127.0.0.1 only. */
    final int sip;
    final int sipTls;
    /** SIP over WebSocket (RFC 7118), path /ws: ws and wss (the node's self-signed certificate) ports. */
    int ws;
    int wss;
    /** STUN server (org.patchbay.stun) on 127.0.0.1, UDP and TCP. */
    int stun;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private Process process;

    private Distribution(Path home, int http, int https, int telnet, int sip, int sipTls) {
        this.home = home;
        this.http = http;
        this.https = https;
        this.telnet = telnet;
        this.sip = sip;
        this.sipTls = sipTls;
    }

    static Distribution copy(String name) throws IOException {
        Path source = Path.of(System.getProperty("e2e.dist"));
        if (!Files.isExecutable(source.resolve("bin/patchbay"))) {
            throw new IllegalStateException("no distribution at " + source + ": build the runtime module first");
        }
        Path home = Path.of(System.getProperty("e2e.work"), name + "-" + System.nanoTime());
        for (String dir : List.of("bin", "conf", "lib", "system")) {
            copyTree(source.resolve(dir), home.resolve(dir));
        }
        Files.createDirectories(home.resolve("deploy"));
        Files.createDirectories(home.resolve("data"));
        int[] ports = freePorts(7);
        Distribution d = new Distribution(home, ports[0], ports[1], ports[2], ports[3], ports[4]);
        d.writeConf("org.patchbay.http.cfg", Map.of("host", "127.0.0.1", "port", "" + d.http, "https.port", "" + d.https));
        d.writeConf("org.patchbay.shell.telnet.cfg", Map.of("port", "" + d.telnet));
        d.ws = ports[5];
        d.wss = ports[6];
        d.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + d.sip, "tcp.port", "" + d.sip,
                "tls.port", "" + d.sipTls, "ws.port", "" + d.ws, "wss.port", "" + d.wss));
        d.writeConf("org.patchbay.media.cfg", Map.of("host", "127.0.0.1", "address", "127.0.0.1"));
        // never the default STUN port 3478: several nodes run at once
        d.stun = freePort();
        d.writeConf("org.patchbay.stun.cfg", Map.of("address", "127.0.0.1", "port", "" + d.stun));
        return d;
    }

    /** Starts the node and waits for its ready line; returns that line. */
    String start() throws IOException {
        output.clear();
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/patchbay").toString(), "run")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // every test node is fresh: without this each first stop would write a 34 MB class-data archive, seconds long
        pb.environment().put("PATCHBAY_CDS", "off");
        pb.environment().put("PATCHBAY_JIT", "c1"); // short-lived nodes: C2 would only add boot CPU and memory
        process = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("(output closed: " + e + ")");
            }
        }, "e2e-output-" + home.getFileName());
        reader.setDaemon(true);
        reader.start();
        if (!waitFor(60_000, () -> readyLine() != null || !process.isAlive())) {
            throw new IllegalStateException("no ready line within 60 s; output:\n" + String.join("\n", output));
        }
        if (readyLine() == null) {
            throw new IllegalStateException("node exited with " + process.exitValue() + "; output:\n" + String.join("\n", output));
        }
        return readyLine();
    }

    String readyLine() {
        return output.stream().filter(l -> l.matches("Patchbay \\S+ ready in \\d+ ms")).findFirst().orElse(null);
    }

    List<String> output() {
        return List.copyOf(output);
    }

    Process process() {
        return process;
    }

    /** SIGTERM and wait; returns the exit code, or throws when the node did not stop within the limit. */
    int stop(long millis) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            // a thread dump (SIGQUIT prints it on the node's stdout) says what it was waiting for
            try {
                new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).start().waitFor(2, TimeUnit.SECONDS);
                Thread.sleep(2000);
            } catch (IOException e) {
                output.add("(no thread dump: " + e + ")");
            }
            List<String> out = output();
            process.destroyForcibly();
            throw new IllegalStateException("node did not stop within " + millis + " ms of SIGTERM; last output:\n"
                    + String.join("\n", out.subList(Math.max(0, out.size() - 400), out.size())));
        }
        return process.exitValue();
    }

    /** SIGKILL: nothing gets a chance to flush or close. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String token() throws IOException {
        return Files.readString(home.resolve("data/admin.token")).strip();
    }

    HttpResponse<String> request(String method, String path, String json, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            b.header("Content-Type", "application/json; charset=utf-8");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> api(String method, String path, String json) throws Exception {
        return request(method, "/api/v1" + path, json, token());
    }

    void writeConf(String file, Map<String, String> values) throws IOException {
        if (file.equals("org.patchbay.sip.cfg") && !values.containsKey("ws.port")) {
            // never the default WebSocket ports 8088/8089: tests that write their own SIP settings get this node's
            Map<String, String> withWs = new java.util.LinkedHashMap<>(values);
            withWs.put("ws.port", "" + ws);
            withWs.putIfAbsent("wss.port", "" + wss);
            values = withWs;
        }
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        Path tmp = home.resolve("conf/." + file + ".tmp");
        Files.writeString(tmp, sb.toString());
        Files.move(tmp, home.resolve("conf").resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    String log() throws IOException {
        Path log = home.resolve("data/log/patchbay.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            stop(10_000);
        }
    }

    static int freePort() throws IOException {
        return freePorts(1)[0];
    }

    /** Distinct free ports: every probe socket stays open until all are chosen, so none repeats. */
    static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    static boolean waitFor(long millis, BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
