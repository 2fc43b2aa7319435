package org.patchbay.launcher;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * Watches a starting node and prints exactly one line {@code Patchbay <version> ready in <N> ms}
 * (N counted from JVM start) once every bundle that should run is ACTIVE and the health service is
 * green. When that has not happened within {@link #TIMEOUT_MS}, it prints one line naming what is
 * missing and keeps watching, less often, so a late "ready" still shows up in the console log.
 *
 * <p>"Should run": not a fragment, its start level is reached, and it is shipped in {@code system/}
 * or persistently started (a {@code deploy/} bundle an operator stopped does not block readiness).
 */
final class Readiness implements Runnable, FrameworkListener {

    static final long POLL_MS = 20;
    /** After this long, poll less often: each poll asks every health check, which is not free. */
    static final long FAST_PHASE_MS = 5_000;
    static final long SLOW_POLL_MS = 100;
    static final long AFTER_VERDICT_POLL_MS = 1_000;
    static final long TIMEOUT_MS = 60_000;

    private final Framework framework;
    private final String version;
    private final String shippedPrefix;
    private final Runnable afterVerdict;
    private final PrintStream out;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile boolean closed;
    private BootTimer timer;
    private boolean allActiveMarked;
    private HealthProbe health;

    /** @param afterVerdict runs once, after the ready line or the not-ready line (console mode raises the start level). */
    Readiness(Framework framework, String version, Path systemDir, Runnable afterVerdict, PrintStream out) {
        this.framework = framework;
        this.version = version;
        this.shippedPrefix = systemDir.toUri().toString();
        this.afterVerdict = afterVerdict;
        this.out = out;
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED) {
            started.countDown();
        }
    }

    /** Optional: marks the first moment all bundles are active (boot time diagnostics). */
    void timeWith(BootTimer bootTimer) {
        this.timer = bootTimer;
    }

    void close() {
        closed = true;
        started.countDown();
    }

    private synchronized void releaseHealth() {
        if (health != null) {
            health.close();
            health = null;
        }
    }

    @Override
    public void run() {
        // Loading java.management costs tens of ms: do it here, off the boot path, before it is needed.
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long deadline = jvmStart + TIMEOUT_MS;
        try {
            boolean verdict = false;
            if (framework.getState() != Bundle.ACTIVE) {
                started.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            while (!closed) {
                String missing = missing();
                long now = System.currentTimeMillis();
                if (missing.isEmpty()) {
                    out.println("Patchbay " + version + " ready in " + (now - jvmStart) + " ms");
                    out.flush();
                    if (!verdict) {
                        afterVerdict.run();
                    }
                    return;
                }
                if (!verdict && now >= deadline) {
                    out.println("Patchbay " + version + " not ready after " + TIMEOUT_MS / 1000 + " s: " + missing);
                    out.flush();
                    verdict = true;
                    afterVerdict.run();
                }
                Thread.sleep(verdict ? AFTER_VERDICT_POLL_MS : now - jvmStart < FAST_PHASE_MS ? POLL_MS : SLOW_POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            // the framework stopped while we looked: nothing to report
        } finally {
            releaseHealth();
        }
    }

    /** Empty when ready; otherwise what is missing, on one line. */
    String missing() {
        BundleContext context = framework.getBundleContext();
        if (context == null || framework.getState() != Bundle.ACTIVE) {
            return "the framework is not active";
        }
        int level = framework.adapt(FrameworkStartLevel.class).getStartLevel();
        List<String> inactive = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (shouldRun(bundle, level) && !running(bundle)) {
                inactive.add(bundle.getSymbolicName() + " " + stateName(bundle.getState()));
            }
        }
        if (!inactive.isEmpty()) {
            return "bundles not active: " + String.join(", ", inactive);
        }
        if (!allActiveMarked && timer != null) {
            allActiveMarked = true;
            timer.mark("all bundles active");
        }
        HealthProbe.Verdict verdict = probe(context).probe();
        return verdict.healthy() ? "" : verdict.reason();
    }

    private synchronized HealthProbe probe(BundleContext context) {
        if (health == null) {
            health = new HealthProbe(context);
        }
        return health;
    }

    private boolean shouldRun(Bundle bundle, int frameworkLevel) {
        if (bundle.getBundleId() == 0 || SystemBundles.isFragment(bundle)) {
            return false;
        }
        BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
        if (startLevel == null || startLevel.getStartLevel() > frameworkLevel) {
            return false;
        }
        return bundle.getLocation().startsWith(shippedPrefix) || startLevel.isPersistentlyStarted();
    }

    private static boolean running(Bundle bundle) {
        if (bundle.getState() == Bundle.ACTIVE) {
            return true;
        }
        // A lazily activated bundle waits in STARTING for its first class load: that is its running state.
        String policy = bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return bundle.getState() == Bundle.STARTING && policy != null && policy.trim().startsWith(Constants.ACTIVATION_LAZY);
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }
}
