package org.patchbay.itests.e2e.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The harness itself, without a node: the libraries are fetched and bundled, the page loads them in headless
 * Chromium, runs the test's scripts, reports script errors and its console, and the browser's whole process tree
 * is gone after close.
 */
class BrowserHarnessIT {

    @Test
    void pageRunsScriptsAndReportsConsoleAndErrors() throws Exception {
        Path dir = Path.of(System.getProperty("e2e.work"), "harness-" + System.nanoTime());
        try (AgentServer server = AgentServer.start()) {
            Page page = server.page("h");
            List<ProcessHandle> tree;
            try (Chromium chromium = Chromium.open(dir, page, 30_000)) {
                JsonObject loaded = page.await("loaded", 5_000);
                assertNotNull(loaded, "loaded event; events: " + page.events());
                assertTrue(loaded.getAsJsonObject("data").get("jssip").getAsString().startsWith("3.10."), loaded.toString());
                assertEquals("object", page.eval("return typeof SIP.UserAgent === 'function' ? 'object' : 'missing'", 5_000)
                        .getAsString());
                assertEquals(42, page.eval("await agent.sleep(10); return 6 * 7;", 5_000).getAsInt());
                page.eval("console.warn('harness says', {n: 1});", 5_000);
                JsonObject console = page.await(e -> e.get("type").getAsString().equals("console")
                        && e.getAsJsonObject("data").get("text").getAsString().equals("harness says {\"n\":1}"), 5_000);
                assertNotNull(console, "console line; events: " + page.events());
                AssertionError thrown = null;
                try {
                    page.eval("throw new Error('scripted failure')", 5_000);
                } catch (AssertionError e) {
                    thrown = e;
                }
                assertNotNull(thrown);
                assertTrue(thrown.getMessage().contains("scripted failure"), thrown.getMessage());
                // nothing but 127.0.0.1 resolves
                String external = page.eval("try { await fetch('http://example.com/'); return 'reached'; }"
                        + " catch (e) { return 'refused'; }", 10_000).getAsString();
                assertEquals("refused", external);
                tree = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
                assertTrue(tree.size() > 1, "chromium and its children: " + tree);
            }
            List<ProcessHandle> left = tree.stream().filter(ProcessHandle::isAlive).toList();
            assertEquals(List.of(), left, "processes of chromium left after close");
        }
    }

    @Test
    void netNsHasOnlyLoopback() throws Exception {
        Assumptions.assumeTrue(NetNs.available(), "unshare/ip or namespaces not available here");
        Process p = new ProcessBuilder(NetNs.wrap(List.of("cat", "/proc/net/dev"))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        List<String> interfaces = out.lines().skip(2).map(l -> l.substring(0, l.indexOf(':')).strip()).toList();
        assertEquals(List.of("lo"), interfaces, out);
        System.out.println("e2e browser: this test JVM " + (NetNs.loopbackOnly() ? "runs" : "does not run")
                + " in a loopback-only network namespace");
    }
}
