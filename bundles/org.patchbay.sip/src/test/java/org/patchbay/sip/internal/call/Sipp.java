package org.patchbay.sip.internal.call;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One SIPp process on loopback; the output goes to a file shown when the run fails. */
final class Sipp implements AutoCloseable {
    static final Path SCENARIOS = Path.of("../../itests/e2e/src/test/resources/sipp").toAbsolutePath().normalize();

    final int port;
    private final Process process;
    private final Path log;

    private Sipp(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts SIPp with a scenario file on a free local port (and a free media port), with extra arguments. */
    static Sipp start(Path work, String scenario, String target, String... args) throws IOException {
        int port = freePort();
        int media = freeMediaBase(port);
        List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", SCENARIOS.resolve(scenario).toString(), "-i",
                "127.0.0.1", "-p", Integer.toString(port), "-mp", Integer.toString(media), "-nostdin", "-timeout",
                "20", "-timeout_error", "-trace_err", "-error_file", work.resolve(scenario + "-" + port + ".err").toString()));
        cmd.addAll(List.of(args));
        if (target != null) {
            cmd.add(target);
        }
        Path log = work.resolve(scenario + "-" + port + ".out");
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new Sipp(port, p, log);
    }

    /** Waits for the exit code (-1 on timeout, after killing it). */
    int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    String output() {
        try {
            String out = Files.readString(log);
            Path err = log.resolveSibling(log.getFileName().toString().replace(".out", ".err"));
            if (Files.exists(err)) {
                out += "\n--- errors ---\n" + Files.readString(err);
            }
            return out.length() > 6000 ? out.substring(out.length() - 6000) : out;
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * A media base port for SIPp's {@code -mp}: SIPp binds it and the next three (audio RTP/RTCP, video RTP/RTCP), so
     * all four must be free for UDP and none may be {@code avoid} (the SIP port).
     */
    static int freeMediaBase(int avoid) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base;
            try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                base = probe.getLocalPort() & ~1;
            }
            if (base + 3 > 65535 || (avoid >= base && avoid <= base + 3)) {
                continue;
            }
            DatagramSocket[] held = new DatagramSocket[4];
            try {
                for (int i = 0; i < 4; i++) {
                    held[i] = new DatagramSocket(base + i, InetAddress.getLoopbackAddress());
                }
                return base;
            } catch (IOException busy) {
                // one of the four is taken: another base
            } finally {
                for (DatagramSocket s : held) {
                    if (s != null) {
                        s.close();
                    }
                }
            }
        }
        throw new IOException("no four free UDP ports in a row for SIPp media");
    }

    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
                    return p;
                } catch (IOException e) {
                    // taken for UDP
                }
            }
        }
        throw new IOException("no free port");
    }
}
