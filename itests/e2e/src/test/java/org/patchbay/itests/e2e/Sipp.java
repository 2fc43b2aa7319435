package org.patchbay.itests.e2e;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One SIPp process on loopback running a scenario from {@code src/test/resources/sipp}; output kept for failures. */
final class Sipp implements AutoCloseable {
    final int port;
    private final Process process;
    private final Path out;
    private final Path err;

    private Sipp(int port, Process process, Path out, Path err) {
        this.port = port;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts SIPp on {@code port} (0: a free one) with a free media port; {@code target} may be null (a UAS). */
    static Sipp start(Path work, int port, String scenario, String target, String... args) throws IOException {
        int local = port > 0 ? port : SipTarget.freeSipPort();
        int media = freeMediaBase(local);
        String name = scenario.replace(".xml", "") + "-" + local + "-" + System.nanoTime();
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", resource("sipp/" + scenario), "-i", "127.0.0.1",
                "-p", Integer.toString(local), "-mp", Integer.toString(media), "-nostdin", "-trace_err",
                "-error_file", err.toString()));
        cmd.addAll(List.of(args));
        if (target != null) {
            cmd.add(target);
        }
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new Sipp(local, p, out, err);
    }

    /** The exit code; -1 (after killing it) when it did not finish in time. */
    int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    /** The "Failed call" total of SIPp's final statistics screen (0 when absent). */
    int failedCalls() {
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Failed call +\\| +\\d+ +\\| +(\\d+)")
                    .matcher(Files.readString(out));
            int last = 0;
            while (m.find()) {
                last = Integer.parseInt(m.group(1));
            }
            return last;
        } catch (IOException e) {
            return Integer.MAX_VALUE;
        }
    }

    String output() {
        try {
            String o = Files.exists(out) ? Files.readString(out) : "";
            if (Files.exists(err)) {
                o += "\n--- unexpected messages ---\n" + Files.readString(err);
            }
            return o.length() > 8000 ? o.substring(o.length() - 8000) : o;
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    static String resource(String name) {
        try {
            return Path.of(Sipp.class.getClassLoader().getResource(name).toURI()).toString();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no test resource " + name, e);
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
}
