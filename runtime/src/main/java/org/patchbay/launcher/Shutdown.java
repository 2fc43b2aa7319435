package org.patchbay.launcher;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;

import sun.misc.Signal;

/**
 * Stops the node cleanly on SIGTERM and SIGINT: the framework is stopped (DS deactivates every
 * component, sockets close) and the launcher's main thread then exits with code 0. If the framework
 * has not stopped within {@link #STOP_TIMEOUT_MS}, the process is halted with code 1 rather than
 * hanging, and says which bundles were still stopping.
 *
 * <p>The JVM's default SIGTERM handling would run shutdown hooks and exit with 143; handling the
 * signal ourselves gives a normal exit. A shutdown hook still covers other ways out (SIGHUP,
 * {@code System.exit} from a bundle).
 */
final class Shutdown {

    static final long STOP_TIMEOUT_MS = 5_000;

    private volatile Framework framework;
    private volatile boolean requested;

    void install() {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> request("SIG" + name));
            } catch (IllegalArgumentException e) {
                // the signal is reserved (e.g. -Xrs): the shutdown hook below still stops the framework
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAndWait, "patchbay-shutdown-hook"));
    }

    void watch(Framework current) {
        this.framework = current;
        if (requested) {
            request("an earlier signal");
        }
    }

    /** True once a stop was asked for from outside: the node must not restart after it. */
    boolean requested() {
        return requested;
    }

    private void request(String why) {
        requested = true;
        Framework current = framework;
        if (current == null) {
            return;
        }
        Thread stopper = new Thread(() -> {
            stop(current);
            if (!await(current)) {
                System.err.println("patchbay: " + why + ": the node did not stop within " + STOP_TIMEOUT_MS / 1000
                        + " s; still stopping: " + stopping(current) + "; halting");
                Runtime.getRuntime().halt(Main.EXIT_FAILED);
            }
        }, "patchbay-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    private void stopAndWait() {
        Framework current = framework;
        if (current != null && (current.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0) {
            stop(current);
            await(current);
        }
    }

    private static void stop(Framework current) {
        try {
            current.stop();
        } catch (BundleException | IllegalStateException e) {
            System.err.println("patchbay: cannot stop the framework: " + e.getMessage());
        }
    }

    private static boolean await(Framework current) {
        try {
            return current.waitForStop(STOP_TIMEOUT_MS).getType() != FrameworkEvent.WAIT_TIMEDOUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String stopping(Framework current) {
        StringBuilder names = new StringBuilder();
        try {
            for (Bundle bundle : current.getBundleContext().getBundles()) {
                if (bundle.getState() == Bundle.STOPPING) {
                    names.append(names.length() == 0 ? "" : ", ").append(bundle.getSymbolicName());
                }
            }
        } catch (IllegalStateException e) {
            return "unknown";
        }
        return names.length() == 0 ? "framework" : names.toString();
    }
}
