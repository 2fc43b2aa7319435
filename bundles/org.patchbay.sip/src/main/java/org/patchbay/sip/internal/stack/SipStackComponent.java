package org.patchbay.sip.internal.stack;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.sip.internal.auth.Authenticator;
import org.patchbay.sip.internal.ws.FlowListener;
import org.patchbay.sip.spi.SipNode;
import org.patchbay.sip.spi.SipRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the jain-sip stack of the node. Each configuration gets a fresh stack (a change deactivates and reactivates this
 * component); while it listens, the {@link SipNode} service is registered. The {@code sip} health check stays registered
 * while the component is active, also when the stack could not start (then it says why).
 */
@Component(service = {}, immediate = true, configurationPid = SipSettings.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SipStackComponent.Config.class)
public final class SipStackComponent {

    @ObjectClassDefinition(name = "Patchbay SIP stack", description = "Where the node's SIP transports listen, the "
            + "address it advertises and its default domain. A change restarts the stack (open calls and transactions end).")
    public @interface Config {
        @AttributeDefinition(name = "Bind address", description = "Address the transports bind; 0.0.0.0 for every "
                + "IPv4 interface")
        String host() default SipSettings.DEFAULT_HOST;

        @AttributeDefinition(name = "Advertised host", required = false, description = "Host or address put in Via, "
                + "Contact and Record-Route; empty: the bind address, or the first non-loopback IPv4 address when "
                + "binding every interface")
        String advertised_host() default "";

        @AttributeDefinition(name = "Default domain", description = "Domain of requests that name the node by "
                + "address or host name")
        String domain() default SipSettings.DEFAULT_DOMAIN;

        @AttributeDefinition(name = "Aliases", required = false, description = "More host names that mean this node")
        String[] aliases() default {};

        @AttributeDefinition(name = "UDP enabled")
        boolean udp_enabled() default true;

        @AttributeDefinition(name = "UDP port", min = "1", max = "65535")
        int udp_port() default SipSettings.DEFAULT_PORT;

        @AttributeDefinition(name = "TCP enabled")
        boolean tcp_enabled() default true;

        @AttributeDefinition(name = "TCP port", min = "1", max = "65535")
        int tcp_port() default SipSettings.DEFAULT_PORT;

        @AttributeDefinition(name = "TLS enabled")
        boolean tls_enabled() default true;

        @AttributeDefinition(name = "TLS port", min = "1", max = "65535")
        int tls_port() default SipSettings.DEFAULT_TLS_PORT;

        @AttributeDefinition(name = "Keystore", required = false, description = "Keystore of the TLS transport; "
                + "empty: data/tls/patchbay.p12, generated when missing")
        String keystore() default "";

        @AttributeDefinition(name = "Keystore password", required = false, type = AttributeType.PASSWORD,
                description = "Password of the keystore and of its key; required when keystore is set")
        String keystore_password() default "";

        @AttributeDefinition(name = "Keystore type", options = {@Option(label = "PKCS12", value = "PKCS12"),
                @Option(label = "JKS", value = "JKS")})
        String keystore_type() default "PKCS12";

        @AttributeDefinition(name = "Threads", min = "1", max = "256", description = "jain-sip thread pool size "
                + "(message processing)")
        int threads() default SipSettings.DEFAULT_THREADS;

        @AttributeDefinition(name = "Max message size", min = "4096", max = "1048576", description = "Largest "
                + "message accepted over TCP/TLS, bytes")
        int max_message_size() default SipSettings.DEFAULT_MAX_MESSAGE_SIZE;

        @AttributeDefinition(name = "WebSocket enabled", description = "SIP over WebSocket (RFC 7118), plain")
        boolean ws_enabled() default true;

        @AttributeDefinition(name = "WebSocket port", min = "1", max = "65535")
        int ws_port() default WsSettings.DEFAULT_WS_PORT;

        @AttributeDefinition(name = "Secure WebSocket enabled", description = "SIP over secure WebSocket; uses the "
                + "TLS keystore")
        boolean wss_enabled() default true;

        @AttributeDefinition(name = "Secure WebSocket port", min = "1", max = "65535")
        int wss_port() default WsSettings.DEFAULT_WSS_PORT;

        @AttributeDefinition(name = "WebSocket paths", description = "Paths of the ws and wss listeners")
        String[] ws_paths() default {WsSettings.DEFAULT_PATH};

        @AttributeDefinition(name = "More WebSocket listeners", required = false, description = "port[/path][;tls] "
                + "each, e.g. 8090/sip;tls for a vendor SDK with a fixed URL")
        String[] ws_listeners() default {};

        @AttributeDefinition(name = "WebSocket idle timeout", min = "10", max = "86400", description = "Seconds "
                + "without any frame before a connection is closed")
        int ws_idle_timeout() default 300;

        @AttributeDefinition(name = "WebSocket max frame size", min = "1024", max = "1048576", description = "Largest "
                + "frame (one SIP message) in bytes; a bigger one closes the connection with 1009")
        int ws_max_frame_size() default 65536;

        @AttributeDefinition(name = "WebSocket ping interval", min = "0", max = "3600", description = "Seconds between "
                + "pings to every connection; 0 = none")
        int ws_ping_interval() default 30;

        @AttributeDefinition(name = "WebSocket flow grace", min = "0", max = "3600", description = "Seconds a call on "
                + "a dropped connection waits for the device to reconnect and register again (RFC 5626)")
        int ws_flow_grace() default 30;

        @AttributeDefinition(name = "WebSocket origins", required = false, description = "Allowed Origin header "
                + "values; empty: any")
        String[] ws_origins() default {};
    }

    private static final Logger LOG = LoggerFactory.getLogger(SipStackComponent.class);

    private final HandlerRegistry handlers = new HandlerRegistry();
    private final java.util.Set<FlowListener> flowListeners = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Authenticator authenticator;
    private volatile SipStackRuntime runtime;
    private SipHealthCheck health;
    private ServiceRegistration<SipNode> nodeRegistration;
    private ServiceRegistration<HealthCheck> healthRegistration;
    private ServiceRegistration<SipShellCommand> commandRegistration;
    private volatile String problem;

    /** Called after the references are bound, so the first request already sees every handler. */
    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        String source = String.valueOf(properties.getOrDefault("felix.fileinstall.filename", SipSettings.PID));
        SipSettings settings;
        try {
            settings = SipSettings.parse(properties);
        } catch (SipSettings.InvalidSettingException e) {
            LOG.error("{}: {}; SIP stays off until it is fixed", source, e.getMessage());
            settings = null;
        }
        SipStackRuntime rt = null;
        String problem = settings == null ? "configuration " + SipSettings.PID + " is invalid (see the log)" : null;
        if (settings != null) {
            try {
                SipStackRuntime.Keystore ks = settings.keystoreNeeded() ? SipKeystores.resolve(settings, context) : null;
                rt = new SipStackRuntime(settings, ks, handlers, () -> authenticator);
                flowListeners.forEach(rt::addFlowListener);
                rt.start();
                LOG.info("SIP listening: {} (advertised {}, domain {})", rt.ports(), rt.advertisedHost(),
                        settings.domain());
            } catch (Exception | LinkageError e) {
                problem = "cannot start: " + e.getMessage();
                LOG.error("{}: SIP stack cannot start with {}: {}", source, settings, e.toString());
                rt = null;
            }
        }
        runtime = rt;
        this.problem = problem;
        health = new SipHealthCheck(settings, rt, problem);
        Dictionary<String, Object> cp = new Hashtable<>();
        cp.put("osgi.command.scope", "pb");
        cp.put("osgi.command.function", new String[] {"sip"});
        commandRegistration = context.registerService(SipShellCommand.class, new SipShellCommand(this), cp);
        Dictionary<String, Object> hp = new Hashtable<>();
        hp.put(HealthCheck.NAME, SipHealthCheck.NAME);
        healthRegistration = context.registerService(HealthCheck.class, health, hp);
        if (rt != null) {
            Dictionary<String, Object> np = new Hashtable<>();
            rt.ports().forEach((t, p) -> np.put("pb.sip." + t + ".port", p));
            np.put("pb.sip.domain", settings.domain());
            nodeRegistration = context.registerService(SipNode.class, rt, np);
        }
    }

    @Deactivate
    void deactivate(BundleContext context) {
        unregister(commandRegistration);
        commandRegistration = null;
        unregister(nodeRegistration);
        nodeRegistration = null;
        unregister(healthRegistration);
        healthRegistration = null;
        if (runtime != null) {
            if (frameworkStopping(context)) {
                // the node is going down: the RI's stop sleeps a fixed second and waits for its timers; the process
                // ends anyway, so do not hold up the shutdown for it (a bundle stop or update still waits, releasing
                // every socket and thread before the new stack binds)
                SipStackRuntime r = runtime;
                Thread t = new Thread(r::stop, "pb-sip-stop");
                t.setDaemon(true);
                t.start();
            } else {
                runtime.stop();
            }
        }
    }

    private static boolean frameworkStopping(BundleContext context) {
        try {
            return context.getBundle(0).getState() == org.osgi.framework.Bundle.STOPPING;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void unregister(ServiceRegistration<?> r) {
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
    }

    @Reference(service = SipRequestHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeHandler",
            updated = "updatedHandler")
    void addHandler(SipRequestHandler handler, Map<String, Object> properties) {
        handlers.add(handler, properties);
    }

    void updatedHandler(SipRequestHandler handler, Map<String, Object> properties) {
        handlers.add(handler, properties);
    }

    void removeHandler(SipRequestHandler handler) {
        handlers.remove(handler);
    }

    /** Whoever cares about WebSocket connections going (the registrar drops their bindings, the calls their legs). */
    @Reference(service = FlowListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeFlowListener")
    void addFlowListener(FlowListener l) {
        flowListeners.add(l);
        SipStackRuntime rt = runtime;
        if (rt != null) {
            rt.addFlowListener(l);
        }
    }

    void removeFlowListener(FlowListener l) {
        flowListeners.remove(l);
        SipStackRuntime rt = runtime;
        if (rt != null) {
            rt.removeFlowListener(l);
        }
    }

    @Reference(service = Authenticator.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeAuthenticator")
    void setAuthenticator(Authenticator a) {
        authenticator = a;
    }

    void removeAuthenticator(Authenticator a) {
        if (authenticator == a) {
            authenticator = null;
        }
    }

    /** The running stack, for the shell command; null when it could not start. */
    SipStackRuntime runtime() {
        return runtime;
    }

    /** Why the stack is not running, or null. */
    String problem() {
        return problem;
    }

    HandlerRegistry handlers() {
        return handlers;
    }
}
