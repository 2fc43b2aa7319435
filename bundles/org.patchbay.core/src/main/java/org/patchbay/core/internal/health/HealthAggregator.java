package org.patchbay.core.internal.health;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthReport;
import org.patchbay.api.health.HealthResult;
import org.patchbay.api.health.HealthService;

/**
 * The node is healthy when every registered check is, and every check that an installed bundle
 * declares in its {@value #HEADER} manifest header is registered. A bundle that is stopped, being
 * updated or failed to activate therefore turns the node red until it is back.
 */
@Component(service = HealthService.class)
public final class HealthAggregator implements HealthService {

    static final String HEADER = "Patchbay-Health";

    private final BundleContext context;
    private final Clock clock = Clock.systemUTC();
    private final Map<Long, Registered> checks = new ConcurrentHashMap<>();

    @Activate
    public HealthAggregator(BundleContext context) {
        this.context = context;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addCheck(HealthCheck check, Map<String, Object> properties) {
        Object name = properties.get(HealthCheck.NAME);
        Long id = (Long) properties.get("service.id");
        checks.put(id, new Registered(name == null ? "unnamed-" + id : name.toString(), check));
    }

    void removeCheck(HealthCheck check, Map<String, Object> properties) {
        checks.remove((Long) properties.get("service.id"));
    }

    @Override
    public HealthReport report() {
        Map<String, HealthResult> results = new LinkedHashMap<>();
        for (Registered r : checks.values()) {
            results.merge(r.name(), run(r), (a, b) -> a.healthy() ? b : a);
        }
        for (Bundle b : context.getBundles()) {
            for (String name : declaredChecks(b)) {
                if (b.getState() != Bundle.ACTIVE) {
                    results.put(name, HealthResult.down(name, "bundle " + b.getSymbolicName() + " is " + state(b)));
                } else {
                    results.putIfAbsent(name, HealthResult.down(name,
                            "not registered: a component of " + b.getSymbolicName() + " is not active (see scr:list)"));
                }
            }
        }
        List<HealthResult> list = new ArrayList<>(results.values());
        list.sort(Comparator.comparing(HealthResult::name));
        boolean healthy = list.stream().allMatch(HealthResult::healthy);
        return new HealthReport(healthy, clock.instant(), list);
    }

    static List<String> declaredChecks(Bundle b) {
        String header = b.getHeaders("").get(HEADER);
        if (header == null || header.isBlank()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String n : header.split(",")) {
            if (!n.isBlank()) {
                names.add(n.strip());
            }
        }
        return names;
    }

    private static HealthResult run(Registered r) {
        try {
            HealthResult result = r.check().check();
            return result == null ? HealthResult.down(r.name(), "check returned nothing") : result;
        } catch (RuntimeException e) {
            return HealthResult.down(r.name(), "check failed: " + e);
        }
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.INSTALLED -> "INSTALLED (unresolved)";
            case Bundle.RESOLVED -> "RESOLVED (stopped)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "in state " + b.getState();
        };
    }

    private record Registered(String name, HealthCheck check) {
    }
}
