package org.patchbay.http.internal.server;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;

/**
 * Check {@code http}: healthy when Felix HTTP runs with the configured ports (its HttpServiceRuntime
 * service says so) and those ports accept TCP connections. The first proves Jetty took our settings,
 * the second that its sockets are really bound — neither alone is enough (a stale runtime during a
 * restart, or another process holding the port).
 *
 * <p>Kept apart from {@link HttpServerConfigurator} on purpose: that component waits in deactivate for
 * Jetty to stop, and Jetty stopping unregisters the runtime service this one tracks.
 */
@Component(service = HealthCheck.class, property = HealthCheck.NAME + "=" + HttpHealthCheck.NAME,
        configurationPid = HttpSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class HttpHealthCheck implements HealthCheck {

    static final String NAME = "http";
    private static final int CONNECT_TIMEOUT_MILLIS = 40;

    private final Map<Long, Map<String, Object>> runtimes = new ConcurrentHashMap<>();
    private volatile Expected expected;

    /** What to check for: the last valid settings and the address a local client connects to. */
    record Expected(HttpSettings settings, InetAddress target) {
    }

    @Activate
    public HttpHealthCheck(Map<String, Object> properties) {
        modified(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        try {
            HttpSettings s = HttpSettings.parse(properties);
            expected = new Expected(s, PortProbe.target(s));
        } catch (InvalidSettingException | IOException e) {
            // HttpServerConfigurator logs the problem and keeps the previous settings; so does this check
        }
    }

    @Reference(service = HttpServiceRuntime.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, updated = "updatedRuntime", unbind = "unbindRuntime")
    void bindRuntime(ServiceReference<?> ref) {
        runtimes.put((Long) ref.getProperty("service.id"), properties(ref));
    }

    void updatedRuntime(ServiceReference<?> ref) {
        bindRuntime(ref);
    }

    void unbindRuntime(ServiceReference<?> ref) {
        runtimes.remove((Long) ref.getProperty("service.id"));
    }

    @Override
    public HealthResult check() {
        Expected e = expected;
        if (e == null) {
            return HealthResult.down(NAME, "configuration " + HttpSettings.PID + " is invalid (see the log)");
        }
        return check(e, runtimes.values(), CONNECT_TIMEOUT_MILLIS);
    }

    static HealthResult check(Expected e, Collection<Map<String, Object>> runtimes, int timeoutMillis) {
        HttpSettings s = e.settings();
        if (runtimes.stream().noneMatch(r -> serves(r, s))) {
            return HealthResult.down(NAME, "Felix HTTP is not running with port " + s.port()
                    + (s.httpsEnabled() ? " and HTTPS port " + s.httpsPort() : "") + " (yet)");
        }
        if (!PortProbe.accepts(e.target(), s.port(), timeoutMillis)) {
            return HealthResult.down(NAME, "HTTP port " + s.port() + " does not accept connections");
        }
        if (s.httpsEnabled() && !PortProbe.accepts(e.target(), s.httpsPort(), timeoutMillis)) {
            return HealthResult.down(NAME, "HTTPS port " + s.httpsPort() + " does not accept connections");
        }
        return HealthResult.up(NAME, "HTTP " + s.host() + ":" + s.port()
                + (s.httpsEnabled() ? ", HTTPS " + s.host() + ":" + s.httpsPort() : ", HTTPS off"));
    }

    /** Felix publishes its effective settings as string properties of the runtime service. */
    static boolean serves(Map<String, Object> runtime, HttpSettings s) {
        boolean http = "true".equals(String.valueOf(runtime.get(FelixHttpConfig.HTTP_ENABLE)))
                && String.valueOf(s.port()).equals(String.valueOf(runtime.get(FelixHttpConfig.HTTP_PORT)));
        boolean https = !s.httpsEnabled()
                || "true".equals(String.valueOf(runtime.get(FelixHttpConfig.HTTPS_ENABLE)))
                && String.valueOf(s.httpsPort()).equals(String.valueOf(runtime.get(FelixHttpConfig.HTTPS_PORT)));
        return http && https;
    }

    private static Map<String, Object> properties(ServiceReference<?> ref) {
        Map<String, Object> p = new HashMap<>();
        for (String key : ref.getPropertyKeys()) {
            p.put(key, ref.getProperty(key));
        }
        return p;
    }
}
