package org.patchbay.itests.e2e;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.patchbay.itests.e2e.browser.Chromium;
import org.patchbay.itests.e2e.browser.NetNs;

/**
 * What the browser media tests check and print alike: how much of a phone's recording is loud, the node's calls, and the
 * tails of every process's output when a check fails.
 */
final class BrowserCallChecks {

    private BrowserCallChecks() {
    }

    /**
     * Why a browser media test cannot run here (no Chromium or npm packages, no baresip, or not inside a loopback-only
     * network namespace), or null when it can.
     */
    static String mediaSkipReason() {
        String skip = Chromium.skipReason();
        if (skip == null && !Files.isExecutable(Baresip.BINARY)) {
            skip = "baresip is not installed (apt-get install baresip)";
        }
        if (skip == null && !NetNs.loopbackOnly()) {
            skip = "not in a loopback-only network namespace (Chromium would pick non-loopback ICE candidates): run "
                    + "with -Djvm=$PWD/itests/e2e/netns/bin/java, as the browser-media failsafe execution does";
        }
        return skip;
    }

    /** Creates {@code user@domain} for each user through the admin API, password {@code <user>-secret-1}. */
    static void addUsers(Distribution node, String domain, String... users) throws Exception {
        for (String u : users) {
            var r = node.api("POST", "/users", "{\"user\":\"" + u + "@" + domain + "\",\"password\":\"" + u
                    + "-secret-1\"}");
            org.junit.jupiter.api.Assertions.assertEquals(201, r.statusCode(), r.body());
        }
    }

    /** A number from a page's stats object, 0 when absent or null. */
    static double number(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsDouble() : 0;
    }

    /** How many of a recording's 100 ms windows have an int16 RMS above the threshold. */
    record Loudness(int loud, int windows) {
        @Override
        public String toString() {
            return loud + " of " + windows + " 100 ms windows";
        }
    }

    static Loudness loudness(Path recording, double rms) throws IOException {
        Tones.Pcm pcm = Tones.read(recording);
        short[] s = pcm.samples();
        int window = pcm.rate() / 10;
        int windows = 0;
        int loud = 0;
        for (int from = 0; from + window <= s.length; from += window) {
            double sum = 0;
            for (int i = from; i < from + window; i++) {
                sum += (double) s[i] * s[i];
            }
            windows++;
            if (Math.sqrt(sum / window) > rms) {
                loud++;
            }
        }
        return new Loudness(loud, windows);
    }

    /** A shell command's output, or a line saying why it could not run. */
    static String cli(Distribution node, String command) {
        try (Telnet t = new Telnet(node.telnet)) {
            return t.run(command);
        } catch (IOException e) {
            return "(" + command + " failed: " + e + ")";
        }
    }

    /** {@code pb:calls -v}, the phone's events and output, the node's and Chromium's output tails (null: left out). */
    static String diagnostics(Distribution node, Baresip phone, Chromium chromium) {
        StringBuilder sb = new StringBuilder();
        sb.append("--- pb:calls -v\n").append(cli(node, "pb:calls -v"));
        if (phone != null) {
            String[] out = phone.output().split("\n");
            sb.append("\n--- phone events ").append(phone.events()).append("\n--- phone output (tail)\n")
                    .append(String.join("\n", List.of(out).subList(Math.max(0, out.length - 40), out.length)));
        }
        List<String> log = node.output();
        sb.append("\n--- node output (tail)\n").append(String.join("\n", log.subList(Math.max(0, log.size() - 60),
                log.size())));
        if (chromium != null) {
            sb.append("\n--- chromium log (tail)\n").append(chromium.logTail(40));
        }
        return sb.toString();
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
