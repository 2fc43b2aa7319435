package org.patchbay.launcher;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * With {@code -Dpatchbay.launcher.timing=true}: prints, on stderr, the launcher's phases and each
 * bundle's start and stop with milliseconds since JVM start, to see where boot time goes. Otherwise
 * every call does nothing.
 */
final class BootTimer implements SynchronousBundleListener {

    static final String PROPERTY = "patchbay.launcher.timing";

    private final boolean enabled;
    private final long jvmStart;
    private final PrintStream out;

    private BootTimer(boolean enabled, PrintStream out) {
        this.enabled = enabled;
        // java.management is only loaded when timing was asked for
        this.jvmStart = enabled ? ManagementFactory.getRuntimeMXBean().getStartTime() : 0;
        this.out = out;
    }

    static BootTimer fromSystemProperty() {
        return new BootTimer(Boolean.getBoolean(PROPERTY), System.err);
    }

    void mark(String phase) {
        if (enabled) {
            out.println("[timing] " + (System.currentTimeMillis() - jvmStart) + " ms " + phase);
        }
    }

    /** Marks every bundle start and stop from now on. */
    void watch(BundleContext context) {
        if (enabled) {
            context.addBundleListener(this);
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STARTED) {
            mark("started " + event.getBundle().getSymbolicName());
        } else if (event.getType() == BundleEvent.STOPPED) {
            mark("stopped " + event.getBundle().getSymbolicName());
        }
    }
}
