package org.patchbay.itests.e2e;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One Debian baresip (1.0) user agent as a process, with its own configuration directory: one account registered with
 * digest auth through {@code registrar}, G.711 µ-law only, a WAV file as audio source ({@code aufile}), the decoded
 * received audio dumped to {@code rec/dump-*-dec.wav} ({@code sndfile} filter; the player is the {@code aubridge}
 * null device), auto-answer, and the {@code ctrl_tcp} JSON interface (netstrings) on a free port to dial, hang up and
 * receive events. Everything binds 127.0.0.1.
 */
final class Baresip implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/baresip");

    final String user;
    final String domain;
    final Path dir;
    final int sipPort;
    final int ctrlPort;
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final List<JsonObject> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokens = new AtomicInteger();
    private Socket ctrl;

    private Baresip(String user, String domain, Path dir, int sipPort, int ctrlPort, Process process) {
        this.user = user;
        this.domain = domain;
        this.dir = dir;
        this.sipPort = sipPort;
        this.ctrlPort = ctrlPort;
        this.process = process;
    }

    /** Writes {@code dir/config} and {@code dir/accounts} and starts {@code baresip -f dir}. */
    static Baresip start(Path dir, String user, String password, String domain, int registrarPort, Path source)
            throws IOException {
        Files.createDirectories(dir.resolve("rec"));
        int[] ports = ports();
        String config = String.join("\n",
                "poll_method epoll",
                "net_interface 127.0.0.1",
                "sip_listen 127.0.0.1:" + ports[0],
                "audio_source aufile," + source,
                "audio_player aubridge,nil",
                "audio_alert aubridge,nil",
                "ausrc_srate 8000",
                "auplay_srate 8000",
                "ausrc_channels 1",
                "auplay_channels 1",
                "module_path /usr/lib/baresip/modules",
                "module g711.so",
                "module aufile.so",
                "module aubridge.so",
                "module sndfile.so",
                "module_tmp account.so",
                "module_app menu.so",
                "module_app ctrl_tcp.so",
                "ctrl_tcp_listen 127.0.0.1:" + ports[1],
                "snd_path " + dir.resolve("rec"),
                "");
        Files.writeString(dir.resolve("config"), config);
        Files.writeString(dir.resolve("accounts"), "<sip:" + user + "@" + domain + ";transport=udp>;auth_pass=" + password
                + ";outbound=\"sip:127.0.0.1:" + registrarPort + ";transport=udp\";regint=300;answermode=auto"
                + ";audio_codecs=PCMU\n");
        Process p = new ProcessBuilder(BINARY.toString(), "-f", dir.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        Baresip b = new Baresip(user, domain, dir, ports[0], ports[1], p);
        b.readOutput();
        return b;
    }

    /** The account's REGISTER got its 200 (baresip prints {@code user@domain: {0/UDP/v4} 200 OK ...}). */
    boolean waitRegistered(long millis) {
        String ok = user + "@" + domain + ": {0/UDP/v4} 200 OK";
        return Distribution.waitFor(millis, () -> output.stream().anyMatch(l -> l.contains(ok)) || !process.isAlive());
    }

    boolean registered() {
        String ok = user + "@" + domain + ": {0/UDP/v4} 200 OK";
        return output.stream().anyMatch(l -> l.contains(ok));
    }

    /** Sends a {@code ctrl_tcp} command; returns the response object. */
    JsonObject command(String command, String params) throws IOException {
        connect();
        String token = "t" + tokens.incrementAndGet();
        JsonObject o = new JsonObject();
        o.addProperty("command", command);
        if (params != null) {
            o.addProperty("params", params);
        }
        o.addProperty("token", token);
        byte[] json = o.toString().getBytes(StandardCharsets.UTF_8);
        OutputStream out = ctrl.getOutputStream();
        out.write((json.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.write(json);
        out.write(',');
        out.flush();
        JsonObject[] response = new JsonObject[1];
        Distribution.waitFor(5000, () -> {
            for (JsonObject e : events) {
                if (e.has("response") && e.has("token") && token.equals(e.get("token").getAsString())) {
                    response[0] = e;
                    return true;
                }
            }
            return false;
        });
        if (response[0] == null) {
            throw new IOException("baresip " + user + ": no response to " + command);
        }
        return response[0];
    }

    /** Waits for a {@code ctrl_tcp} event of this type (e.g. CALL_ESTABLISHED, CALL_CLOSED). */
    JsonObject waitEvent(String type, long millis) {
        return waitEvent(type, millis, 0);
    }

    /** The number of events so far, for {@link #waitEvent(String, long, int)} with a phone that makes several calls. */
    int mark() {
        return events.size();
    }

    /** Waits for a {@code ctrl_tcp} event of this type that came after the first {@code from} events. */
    JsonObject waitEvent(String type, long millis, int from) {
        JsonObject[] found = new JsonObject[1];
        Distribution.waitFor(millis, () -> {
            for (JsonObject e : events.subList(Math.min(from, events.size()), events.size())) {
                if (e.has("event") && e.has("type") && type.equals(e.get("type").getAsString())) {
                    found[0] = e;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    List<JsonObject> events() {
        return List.copyOf(events);
    }

    /** The decoded received audio of the (last) call: {@code rec/dump-*-dec.wav}. */
    Path recording() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("rec"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-dec.wav")).sorted()
                    .reduce((a, b) -> b).orElse(null);
        }
    }

    String output() {
        return String.join("\n", output);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The event connection; opened on first use, so it must come after baresip is up. */
    void connect() throws IOException {
        if (ctrl != null) {
            return;
        }
        IOException last = null;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end && process.isAlive()) {
            try {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ctrlPort), 1000);
                ctrl = s;
                Thread t = new Thread(() -> readEvents(s), "baresip-ctrl-" + user);
                t.setDaemon(true);
                t.start();
                return;
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IOException("baresip " + user + ": ctrl_tcp on " + ctrlPort + " not reachable; output:\n" + output(), last);
    }

    private void readEvents(Socket s) {
        try (InputStream in = s.getInputStream()) {
            while (true) {
                int len = 0;
                int c;
                while ((c = in.read()) != ':') {
                    if (c < '0' || c > '9') {
                        return; // closed or not a netstring
                    }
                    len = len * 10 + (c - '0');
                }
                byte[] body = in.readNBytes(len);
                if (body.length < len || in.read() != ',') {
                    return;
                }
                events.add(JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject());
            }
        } catch (IOException | RuntimeException e) {
            // socket closed at shutdown, or garbage: events stop here
        }
    }

    private void readOutput() {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    // drop colour codes and the status lines baresip rewrites with \r
                    String clean = line.replaceAll("\u001B\\[[;\\d]*m", "").replaceAll("\\[\\d+:\\d\\d:\\d\\d\\] audio=[^\r]*\\s*", "");
                    if (!clean.isBlank()) {
                        output.add(clean);
                    }
                }
            } catch (IOException e) {
                output.add("(output closed: " + e + ")");
            }
        }, "baresip-out-" + user);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Free ports: SIP (UDP and TCP; baresip also binds TLS on the next port, so that one must be free for TCP too) and
     * ctrl_tcp. All probes are held until every port is chosen.
     */
    /**
     * Ports given to a baresip of this JVM. The probe sockets are closed before baresip binds, so the kernel may hand
     * the same free port to the next probe (a second phone started right after): one phone's ctrl_tcp then failed with
     * "Address already in use" and the test read the other phone's events.
     */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static int[] ports() throws IOException {
        List<AutoCloseable> held = new ArrayList<>();
        try {
            int sip = 0;
            for (int attempt = 0; attempt < 50 && sip == 0; attempt++) {
                ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(tcp);
                int p = tcp.getLocalPort();
                if (p >= 65535 || GIVEN.contains(p) || GIVEN.contains(p + 1)) {
                    continue;
                }
                try {
                    held.add(new DatagramSocket(p, InetAddress.getLoopbackAddress()));
                    held.add(new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress()));
                    sip = p;
                } catch (IOException busy) {
                    // try another
                }
            }
            if (sip == 0) {
                throw new IOException("no free SIP port pair for baresip");
            }
            int ctrl = 0;
            for (int attempt = 0; attempt < 50 && ctrl == 0; attempt++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                if (!GIVEN.contains(s.getLocalPort())) {
                    ctrl = s.getLocalPort();
                }
            }
            if (ctrl == 0) {
                throw new IOException("no free ctrl_tcp port for baresip");
            }
            GIVEN.addAll(List.of(sip, sip + 1, ctrl));
            return new int[] {sip, ctrl};
        } finally {
            for (AutoCloseable c : held) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // probe socket
                }
            }
        }
    }

    /** SIGTERM (baresip unregisters and exits), SIGKILL after 5 s. */
    @Override
    public void close() throws InterruptedException {
        try {
            if (ctrl != null) {
                ctrl.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
