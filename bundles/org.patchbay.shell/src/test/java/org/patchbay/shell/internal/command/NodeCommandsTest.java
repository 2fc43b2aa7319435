package org.patchbay.shell.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.apache.felix.framework.Felix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.patchbay.api.health.HealthReport;
import org.patchbay.api.health.HealthResult;
import org.patchbay.shell.internal.Gogo;

/** pb:status and pb:shutdown against a real, embedded Felix framework. */
class NodeCommandsTest {
    @TempDir
    Path storage;

    private Felix framework;
    private NodeCommands commands;
    private Gogo gogo;

    @BeforeEach
    void setUp() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put("patchbay.version", "1.2.3-test");
        framework = new Felix(config);
        framework.start();
        install("org.patchbay.fake", "Fakes a capability").start();
        install("org.patchbay.idle", "Never started");
        install("org.example.other", "Not ours").start();
        commands = new NodeCommands(framework.getBundleContext());
        gogo = new Gogo().register("pb", commands, "status", "shutdown");
    }

    @AfterEach
    void tearDown() throws Exception {
        gogo.close();
        framework.stop();
        framework.waitForStop(5_000);
    }

    private Bundle install(String name, String description) throws IOException, BundleException {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        a.putValue(Constants.BUNDLE_SYMBOLICNAME, name);
        a.putValue(Constants.BUNDLE_VERSION, "0.9.0");
        a.putValue(Constants.BUNDLE_DESCRIPTION, description);
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        new JarOutputStream(jar, manifest).close();
        return framework.getBundleContext().installBundle("test:" + name, new ByteArrayInputStream(jar.toByteArray()));
    }

    @Test
    void statusListsOnlyPatchbayBundlesWithStateAndCapability() throws Exception {
        NodeStatus status = (NodeStatus) gogo.session().execute("pb:status");
        assertEquals("1.2.3-test", status.version());
        List<String> rows = status.bundles().stream().map(b -> b.name() + " " + b.state() + " " + b.capability()).toList();
        assertEquals(List.of("org.patchbay.fake ACTIVE Fakes a capability", "org.patchbay.idle INSTALLED Never started"), rows);
        assertNull(status.health());
    }

    @Test
    void statusTableWithoutHealthServiceSaysWhy() throws Exception {
        String text = gogo.run("pb:status");
        String[] lines = text.split("\n");
        assertTrue(lines[0].startsWith("Patchbay 1.2.3-test  up "), lines[0]);
        assertTrue(lines[0].endsWith("health UNKNOWN (health service unavailable (bundle org.patchbay.core not active))"), lines[0]);
        assertEquals("ID  STATE      BUNDLE             VERSION  CAPABILITY", lines[2]);
        assertTrue(lines[3].matches("\\d+ +ACTIVE     org\\.patchbay\\.fake  0\\.9\\.0    Fakes a capability"), lines[3]);
    }

    @Test
    void statusShowsEveryHealthCheck() throws Exception {
        commands.bindHealth(() -> new HealthReport(false, Instant.now(), List.of(
                HealthResult.up("store", "h2 ok"), HealthResult.down("directory", "store unavailable"))));
        String text = gogo.run("pb:status");
        assertTrue(text.split("\n")[0].endsWith("health DOWN"), text);
        assertTrue(text.contains("CHECK      STATUS  DETAIL\nstore      UP      h2 ok\ndirectory  DOWN    store unavailable"), text);
    }

    @Test
    void statusNamesDegradedChecks() throws Exception {
        commands.bindHealth(() -> new HealthReport(true, Instant.now(), List.of(
                HealthResult.up("store", "h2 ok"), HealthResult.degraded("stun", "not serving: port 3478 taken"))));
        String text = gogo.run("pb:status");
        assertTrue(text.split("\n")[0].endsWith("health UP (degraded: stun)"), text);
        assertTrue(text.contains("stun   DEGRADED  not serving: port 3478 taken"), text);
    }

    @Test
    void aFailingHealthServiceDoesNotBreakStatus() throws Exception {
        commands.bindHealth(() -> {
            throw new IllegalStateException("boom");
        });
        assertTrue(gogo.run("pb:status").split("\n")[0].endsWith("health UNKNOWN (health report failed: java.lang.IllegalStateException: boom)"));
    }

    @Test
    void uptimeIsReadable() {
        assertEquals("0s", NodeStatus.formatUptime(Duration.ZERO));
        assertEquals("5m 7s", NodeStatus.formatUptime(Duration.ofSeconds(307)));
        assertEquals("2h 0m 1s", NodeStatus.formatUptime(Duration.ofSeconds(7201)));
        assertEquals("3d 4h 5m 6s", NodeStatus.formatUptime(Duration.ofSeconds(3 * 86400 + 4 * 3600 + 5 * 60 + 6)));
    }

    @Test
    void shutdownPrintsAndStopsTheFrameworkWithoutBlockingTheCommand() throws Exception {
        assertNull(gogo.run("shutdown"));
        // (the rest of the output is the log line, which slf4j-simple writes to the redirected System.err)
        assertTrue(gogo.printed().startsWith("Shutting down" + System.lineSeparator()), gogo.printed());
        FrameworkEvent event = framework.waitForStop(5_000);
        assertEquals(FrameworkEvent.STOPPED, event.getType());
        assertEquals(Bundle.RESOLVED, framework.getState());
    }
}
