package org.patchbay.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.launch.Framework;
import org.patchbay.api.health.HealthReport;
import org.patchbay.api.health.HealthResult;
import org.patchbay.api.health.HealthService;

class ReadinessTest {

    @TempDir
    Path home;

    private Framework framework;
    private volatile HealthReport report = new HealthReport(true, Instant.now(), List.of());

    @BeforeEach
    void startNode() throws Exception {
        TestBundles.write(home.resolve("system"), "plain.bundle", "p");
        framework = EmbeddedFramework.create(home.resolve("cache"), Map.of(LauncherConfig.BEGINNING_START_LEVEL, "100"));
        new SystemBundles(home.resolve("system"), StartLevels.from(Map.of())).sync(framework.getBundleContext());
        framework.start();
    }

    @AfterEach
    void stopNode() throws Exception {
        EmbeddedFramework.stop(framework);
    }

    @Test
    void readyWhenEveryBundleIsActiveAndHealthIsGreen() {
        registerHealth();
        assertEquals("", readiness(null).missing());
    }

    @Test
    void namesTheHealthChecksThatAreDown() {
        report = new HealthReport(false, Instant.now(),
                List.of(new HealthResult("store", false, "disk full"), new HealthResult("http", true, "")));
        registerHealth();
        assertEquals("health checks down: store (disk full)", readiness(null).missing());
    }

    @Test
    void notReadyWithoutAHealthService() {
        assertTrue(readiness(null).missing().contains(HealthProbe.HEALTH_SERVICE + " is not registered"));
    }

    @Test
    void namesBundlesThatCannotStart() throws Exception {
        registerHealth();
        TestBundles.write(home.resolve("system"), "broken.jar", "broken", "1.0.0", Map.of("Import-Package", "no.such.pkg"), "x");
        new SystemBundles(home.resolve("system"), StartLevels.from(Map.of())).sync(framework.getBundleContext());

        assertEquals("bundles not active: broken INSTALLED", readiness(null).missing());
    }

    @Test
    void printsTheReadyLineOnceAndRunsTheFollowUp() throws Exception {
        registerHealth();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicInteger followUps = new AtomicInteger();
        Readiness readiness = new Readiness(framework, "9.9.9", home.resolve("system"), followUps::incrementAndGet,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        readiness.run();

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.matches("Patchbay 9\\.9\\.9 ready in \\d+ ms\\R"), out);
        assertEquals(1, followUps.get());
    }

    private Readiness readiness(Runnable afterVerdict) {
        return new Readiness(framework, "test", home.resolve("system"), afterVerdict == null ? () -> { } : afterVerdict, System.out);
    }

    private void registerHealth() {
        HealthService service = () -> report;
        framework.getBundleContext().registerService(HealthService.class, service, null);
    }
}
