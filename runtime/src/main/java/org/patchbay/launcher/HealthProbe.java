package org.patchbay.launcher;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Asks the node's {@code org.patchbay.api.health.HealthService} for a report. The launcher sits on
 * the class path, outside the framework, and cannot see API classes, so the service is called
 * reflectively through the interface as its provider's bundle sees it.
 *
 * <p>The service is tracked, not fetched per probe: getting and releasing a DS service every 20 ms
 * could activate and deactivate its component (and what it references) each time.
 */
final class HealthProbe implements AutoCloseable {

    static final String HEALTH_SERVICE = "org.patchbay.api.health.HealthService";

    /** The verdict: healthy, or a one-line reason naming the checks that are down. */
    record Verdict(boolean healthy, String reason) {
        static Verdict down(String reason) {
            return new Verdict(false, reason);
        }
    }

    private final ServiceTracker<Object, Object> tracker;

    HealthProbe(BundleContext context) {
        this.tracker = new ServiceTracker<>(context, HEALTH_SERVICE, null);
        tracker.open();
    }

    Verdict probe() {
        ServiceReference<Object> reference = tracker.getServiceReference();
        Object service = reference == null ? null : tracker.getService(reference);
        Bundle provider = reference == null ? null : reference.getBundle();
        if (service == null || provider == null) {
            return Verdict.down(HEALTH_SERVICE + " is not registered");
        }
        try {
            Method report = provider.loadClass(HEALTH_SERVICE).getMethod("report");
            return verdict(report.invoke(service));
        } catch (InvocationTargetException e) {
            return Verdict.down("health report failed: " + e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Verdict.down("health report unreadable: " + e);
        }
    }

    @Override
    public void close() {
        tracker.close();
    }

    private static Verdict verdict(Object report) throws ReflectiveOperationException {
        if (Boolean.TRUE.equals(call(report, "healthy"))) {
            return new Verdict(true, "");
        }
        List<String> down = new ArrayList<>();
        Object checks = call(report, "checks");
        if (checks instanceof Iterable<?> results) {
            for (Object result : results) {
                if (!Boolean.TRUE.equals(call(result, "healthy"))) {
                    String detail = String.valueOf(call(result, "detail"));
                    down.add(call(result, "name") + (detail.isEmpty() ? "" : " (" + detail + ")"));
                }
            }
        }
        return Verdict.down(down.isEmpty() ? "health is not green" : "health checks down: " + String.join(", ", down));
    }

    private static Object call(Object target, String accessor) throws ReflectiveOperationException {
        return target.getClass().getMethod(accessor).invoke(target);
    }
}
