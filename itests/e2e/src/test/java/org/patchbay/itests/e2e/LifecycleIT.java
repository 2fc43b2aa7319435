package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Start, stop and crash the real node: clean SIGTERM, kill -9 durability, the bin/patchbay script. */
class LifecycleIT {

    @Test
    void sigtermStopsCleanlyWithinFiveSeconds() throws Exception {
        try (Distribution node = Distribution.copy("sigterm")) {
            node.start();
            long t0 = System.nanoTime();
            int exit = node.stop(5_000);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, exit, "exit code; output:\n" + String.join("\n", node.output()));
            assertFalse(listening(node.http) || listening(node.https) || listening(node.telnet), "sockets closed");
            System.out.println("SIGTERM → exit in " + millis + " ms");
        }
    }

    @Test
    void acknowledgedUsersSurviveKillMinus9() throws Exception {
        try (Distribution node = Distribution.copy("kill9")) {
            node.start();
            for (int i = 0; i < 5; i++) {
                assertEquals(201, node.api("POST", "/users",
                        "{\"user\":\"u" + i + "@crash.example\",\"password\":\"crash secret " + i + "\"}").statusCode());
            }
            node.kill9();
            node.start();
            String users = node.api("GET", "/users?filter=crash.example", null).body();
            for (int i = 0; i < 5; i++) {
                assertTrue(users.contains("u" + i + "@crash.example"), users);
            }
        }
    }

    @Test
    void restartKeepsDataAndSecrets() throws Exception {
        try (Distribution node = Distribution.copy("restart")) {
            node.start();
            String token = node.token();
            assertEquals(201, node.api("POST", "/users", "{\"user\":\"kept@restart.example\",\"password\":\"kept secret\"}").statusCode());
            assertEquals(0, node.stop(5_000));
            node.start();
            assertEquals(token, node.token(), "token reused");
            assertEquals(200, node.api("GET", "/users/kept@restart.example", null).statusCode());
        }
    }

    @Test
    void binScriptStartsReportsAndStops() throws Exception {
        try (Distribution node = Distribution.copy("script")) {
            Path bin = node.home.resolve("bin/patchbay");
            assertEquals(3, run(bin, "status").exit(), "not running yet");
            Result start = run(bin, "start");
            assertEquals(0, start.exit(), start.output());
            try {
                assertTrue(listening(node.http));
                Result status = run(bin, "status");
                assertEquals(0, status.exit(), status.output());
                assertTrue(status.output().contains("running"), status.output());
            } finally {
                Result stop = run(bin, "stop");
                assertEquals(0, stop.exit(), stop.output());
            }
            assertEquals(3, run(bin, "status").exit());
            assertFalse(listening(node.http));
        }
    }

    @Test
    void confChangesApplyLiveAndBadFilesAreRefused() throws Exception {
        try (Distribution node = Distribution.copy("conf")) {
            node.start();
            int moved = Distribution.freePort();
            node.writeConf("org.patchbay.http.cfg", Map.of("host", "127.0.0.1", "port", "" + moved, "https.port", "" + node.https));
            assertTrue(Distribution.waitFor(10_000, () -> listening(moved)), "HTTP moved to the new port");
            node.writeConf("org.patchbay.http.cfg", Map.of("host", "127.0.0.1", "port", "eighty", "https.port", "" + node.https));
            assertTrue(Distribution.waitFor(10_000, () -> logContains(node, "org.patchbay.http.cfg: key 'port': 'eighty'")),
                    "one error naming the file and key");
            assertTrue(listening(moved), "still on the previous port");
            assertEquals(1, node.log().lines().filter(l -> l.contains("key 'port': 'eighty'")).count(), "logged once");
            // a typed .config file FileInstall cannot parse: one line naming the file, previous settings kept
            Files.writeString(node.home.resolve("conf/org.patchbay.shell.telnet.config"), "port=I\"abc\"\n");
            assertTrue(Distribution.waitFor(10_000, () -> logContains(node,
                    "Failed to install artifact: " + node.home.resolve("conf/org.patchbay.shell.telnet.config")
                            + ": NumberFormatException")), "one line naming the file and the reason");
            assertFalse(node.log().contains("ConfigurationHandler.read"), "no parser stack trace");
            assertTrue(listening(node.telnet), "console kept its port");
            Path deployed = node.home.resolve("deploy/broken.jar");
            Files.writeString(deployed, "not a jar");
            Thread.sleep(2_500);
            assertTrue(node.process().isAlive(), "a broken jar in deploy/ does not bring the node down");
            assertTrue(listening(moved), "still serving");
        }
    }

    private static boolean logContains(Distribution node, String text) {
        try {
            return node.log().contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Result run(Path script, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not finish: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    private record Result(int exit, String output) {
    }
}
