package org.patchbay.media.internal.bench;

import java.util.Hashtable;

import jakarta.servlet.Servlet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.patchbay.api.http.HttpContexts;
import org.patchbay.api.media.MediaHook;
import org.patchbay.media.internal.MediaComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media bench hook, for measuring the relay with the shared RTP load kit. Off unless PID
 * {@value #PID} exists and says {@code enabled=true}; then a servlet in the HTTP server's public whiteboard context
 * ({@code path}, default {@code /bench/media}) creates and deletes relay sessions through the media engine's
 * {@link MediaHook}, as the core does for a SIP call. Loopback clients only, no admin token.
 */
@Component(configurationPid = BenchHook.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = BenchHook.Config.class)
public final class BenchHook {
    static final String PID = "org.patchbay.media.bench";

    private static final Logger LOG = LoggerFactory.getLogger(BenchHook.class);

    @ObjectClassDefinition(name = "Patchbay media bench hook",
            description = "Bench-only HTTP endpoint creating relay sessions for a load generator (loopback only)")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "false: no endpoint")
        boolean enabled() default false;

        @AttributeDefinition(name = "Path", description = "Servlet path on the node's HTTP server")
        String path() default "/bench/media";
    }

    private final BenchSessions sessions;
    private final ServiceRegistration<Servlet> registration;

    @Activate
    public BenchHook(BundleContext context, Config config, @Reference MediaHook media) {
        if (!config.enabled()) {
            sessions = null;
            registration = null;
            return;
        }
        String path = config.path() == null || config.path().isBlank() ? "/bench/media" : config.path().strip();
        if (!path.matches("/[A-Za-z0-9_./-]*[A-Za-z0-9_-]")) {
            throw new IllegalArgumentException("media bench hook: bad path " + path);
        }
        // the engine terminates SDES on the kit's SRTP legs; the hook and the engine are in this bundle
        BenchSessions.Sdes sdes = media instanceof MediaComponent c ? c::terminateSdes : null;
        sessions = new BenchSessions(media, sdes, ProcessHandle.current().pid());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", path + "/*");
        props.put("osgi.http.whiteboard.servlet.name", "patchbay-media-bench");
        // the http bundle's public context at /, which it re-publishes if Felix HTTP ever drops a servlet of it
        props.put("osgi.http.whiteboard.context.select",
                "(osgi.http.whiteboard.context.name=" + HttpContexts.PUBLIC + ")");
        registration = context.registerService(Servlet.class, new BenchServlet(sessions), props);
        LOG.warn("media bench hook ON at {}/sessions (loopback only, no token): not for production", path);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
            sessions.clear();
        }
    }
}
