package org.patchbay.launcher;

import java.io.IOException;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * One node run: create the framework on the persistent cache in {@code data/cache}, bring the
 * installed bundles in line with {@code system/}, start, report readiness, and wait until the
 * framework stops. A framework update ({@code update 0}) restarts it in the same process.
 *
 * <p>With a console, the framework first boots to one level below the final start level; the Gogo
 * console bundle sits at the final level and is started only after the ready line (or after
 * {@link #CONSOLE_GRACE_MS} when the node is not ready by then), so the line does not land in the
 * middle of the prompt.
 */
final class Node {

    /** With a console: how long to hold it back waiting for the ready line. */
    static final long CONSOLE_GRACE_MS = 10_000;

    private final LauncherConfig config;
    private final Shutdown shutdown;

    Node(LauncherConfig config, Shutdown shutdown) {
        this.config = config;
        this.shutdown = shutdown;
    }

    int run() throws BundleException, IOException, InterruptedException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, Node.class.getClassLoader()).iterator().next();
        while (true) {
            FrameworkEvent stopped = runOnce(factory);
            boolean restart = stopped.getType() == FrameworkEvent.STOPPED_UPDATE
                    || stopped.getType() == FrameworkEvent.STOPPED_SYSTEM_REFRESHED;
            if (!restart || shutdown.requested()) {
                return stopped.getType() == FrameworkEvent.ERROR ? Main.EXIT_FAILED : Main.EXIT_OK;
            }
        }
    }

    private FrameworkEvent runOnce(FrameworkFactory factory) throws BundleException, IOException, InterruptedException {
        int finalLevel = config.finalStartLevel();
        int bootLevel = config.console() ? Math.max(1, finalLevel - 1) : finalLevel;
        BootTimer timer = BootTimer.fromSystemProperty();
        Framework framework = prepare(factory, bootLevel, timer);
        if (shutdown.requested()) {
            // a signal came while preparing: the framework is stopping, do not start it again
            return framework.waitForStop(Shutdown.STOP_TIMEOUT_MS);
        }

        Runnable openConsole = bootLevel == finalLevel ? () -> { } : once(() -> raise(framework, finalLevel));
        Readiness readiness = new Readiness(framework, config.version(), config.systemDir(), openConsole, System.out);
        readiness.timeWith(timer);
        framework.getBundleContext().addFrameworkListener(readiness);
        Thread watcher = new Thread(readiness, "patchbay-readiness");
        watcher.setDaemon(true);
        watcher.start();

        framework.start();
        timer.mark("framework at start level " + bootLevel);
        if (bootLevel != finalLevel) {
            openConsoleLater(openConsole);
        }
        try {
            return framework.waitForStop(0);
        } finally {
            readiness.close();
        }
    }

    /** A framework on the persistent cache, initialised, with its bundles matching system/. */
    private Framework prepare(FrameworkFactory factory, int bootLevel, BootTimer timer) throws BundleException, IOException {
        Map<String, String> properties = config.frameworkProperties();
        properties.put(LauncherConfig.BEGINNING_START_LEVEL, Integer.toString(bootLevel));
        timer.mark("launcher configured");
        Framework framework = factory.newFramework(properties);
        framework.init();
        shutdown.watch(framework);
        timer.mark("framework initialised");
        SystemBundles system = new SystemBundles(config.systemDir(), StartLevels.from(properties));
        system.sync(framework.getBundleContext());
        timer.mark("system/ synchronised: " + system.summary());
        timer.watch(framework.getBundleContext());
        return framework;
    }

    /** A node that is slow to get ready (or never does) still gets its console, to look into why. */
    private static void openConsoleLater(Runnable openConsole) {
        Thread later = new Thread(() -> {
            try {
                Thread.sleep(CONSOLE_GRACE_MS);
                openConsole.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "patchbay-console-grace");
        later.setDaemon(true);
        later.start();
    }

    private static Runnable once(Runnable action) {
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                action.run();
            }
        };
    }

    private static void raise(Framework framework, int level) {
        try {
            framework.adapt(FrameworkStartLevel.class).setStartLevel(level);
        } catch (IllegalStateException e) {
            // stopping already
        }
    }
}
