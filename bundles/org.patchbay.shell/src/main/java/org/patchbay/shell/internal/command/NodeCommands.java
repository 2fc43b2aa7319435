package org.patchbay.shell.internal.command;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.patchbay.api.health.HealthReport;
import org.patchbay.api.health.HealthService;
import org.patchbay.api.node.NodeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pb:status} and {@code pb:shutdown}. The health service is optional and dynamic so that the
 * commands stay available (and say why health is missing) while org.patchbay.core is stopped.
 */
@Component(service = NodeCommands.class)
@GogoCommand(scope = "pb", function = {"status", "shutdown"})
public final class NodeCommands {
    static final String PATCHBAY_PREFIX = "org.patchbay.";
    static final String HEALTH_UNAVAILABLE = "health service unavailable (bundle org.patchbay.core not active)";

    private static final Logger LOG = LoggerFactory.getLogger(NodeCommands.class);

    private final BundleContext context;
    private final AtomicReference<HealthService> health = new AtomicReference<>();

    @Activate
    public NodeCommands(BundleContext context) {
        this.context = context;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindHealth(HealthService service) {
        health.set(service);
    }

    void unbindHealth(HealthService service) {
        health.compareAndSet(service, null);
    }

    @Descriptor("show the node's version, uptime, health checks and Patchbay bundles")
    public NodeStatus status() {
        String version = context.getProperty(NodeProperties.VERSION);
        Duration uptime = Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime());
        HealthReport report = null;
        String problem = null;
        HealthService service = health.get();
        if (service == null) {
            problem = HEALTH_UNAVAILABLE;
        } else {
            try {
                report = service.report();
            } catch (RuntimeException e) {
                // the contract says report() does not throw; a shell command still must not die of it
                LOG.warn("pb:status: health report failed", e);
                problem = "health report failed: " + e;
            }
        }
        return new NodeStatus(version == null ? "unknown" : version, uptime, report, problem, patchbayBundles());
    }

    private List<NodeStatus.BundleRow> patchbayBundles() {
        List<NodeStatus.BundleRow> rows = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String name = b.getSymbolicName();
            if (name != null && name.startsWith(PATCHBAY_PREFIX)) {
                String description = b.getHeaders().get(Constants.BUNDLE_DESCRIPTION);
                rows.add(new NodeStatus.BundleRow(b.getBundleId(), stateName(b.getState()), name,
                        b.getVersion().toString(), description == null ? "" : description));
            }
        }
        return rows;
    }

    static String stateName(int state) {
        switch (state) {
            case Bundle.UNINSTALLED: return "UNINSTALLED";
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            default: return "UNKNOWN(" + state + ")";
        }
    }

    /**
     * Prints rather than returns its line: the console may be torn down by the shutdown before it
     * gets to print a returned value.
     */
    @Descriptor("stop the node: every bundle is stopped, then the process exits")
    public void shutdown(CommandSession session) {
        session.getConsole().println("Shutting down");
        session.getConsole().flush();
        LOG.info("shutdown requested from the shell");
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        // Stopping the system bundle tears down this bundle and the shell session that runs this
        // command; do it from a thread of its own so the command returns first.
        Thread stopper = new Thread(() -> stop(system), "pb-shutdown");
        stopper.start();
    }

    private static void stop(Bundle system) {
        try {
            system.stop();
        } catch (BundleException | IllegalStateException e) {
            LOG.error("shutdown failed: {}", e.toString());
        }
    }
}
