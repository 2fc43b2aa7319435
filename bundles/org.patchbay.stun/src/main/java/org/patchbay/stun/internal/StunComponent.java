package org.patchbay.stun.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's STUN server (RFC 8489 Binding only) and its {@code pb:stun} command. A configuration change rebinds
 * (DS reactivates the component). A port that cannot be bound leaves the component up with a red health check naming
 * the port, so the operator sees it at once.
 */
@Component(configurationPid = "org.patchbay.stun", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {HealthCheck.class, StunComponent.class},
        property = {HealthCheck.NAME + "=stun", "osgi.command.scope=pb", "osgi.command.function=stun"})
@Designate(ocd = StunComponent.Config.class)
public final class StunComponent implements HealthCheck {
    private static final Logger LOG = LoggerFactory.getLogger(StunComponent.class);

    @ObjectClassDefinition(name = "Patchbay STUN server")
    public @interface Config {
        @AttributeDefinition(description = "Answer STUN Binding requests at all")
        boolean enabled() default true;

        @AttributeDefinition(description = "UDP (and TCP) port; 0 picks a free one", min = "0", max = "65535")
        int port() default 3478;

        @AttributeDefinition(description = "Address to bind; empty: every IPv4 and IPv6 address")
        String address() default "";

        @AttributeDefinition(description = "Answer STUN over TCP on the same port too")
        boolean tcp() default true;

        @AttributeDefinition(name = "rate.per.second", description = "Requests answered per second and source address "
                + "(bursts of twice that); more are dropped. 0: no limit", min = "0", max = "100000")
        int rate_per_second() default 20;

        @AttributeDefinition(description = "SOFTWARE attribute text (sent only when the response stays no larger "
                + "than the request); empty: never")
        String software() default "Patchbay";
    }

    private final StunServer server;
    private final String state;

    @Activate
    public StunComponent(Config config) {
        StunServer s = null;
        String st;
        if (!config.enabled()) {
            st = "disabled";
        } else {
            String where = (config.address().isBlank() ? "*" : config.address().trim()) + ":" + config.port();
            try {
                InetSocketAddress bind = config.address().isBlank() ? new InetSocketAddress(config.port())
                        : new InetSocketAddress(InetAddress.getByName(config.address().trim()), config.port());
                s = new StunServer(bind, config.tcp(), Math.max(0, config.rate_per_second()), config.software());
                st = null;
                LOG.info("stun: listening on {}", s.bound());
            } catch (IOException | IllegalArgumentException e) {
                st = "cannot bind " + where + ": " + e.getMessage();
                LOG.warn("stun: {}", st);
            }
        }
        this.server = s;
        this.state = st;
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    public HealthResult check() {
        if (server == null) {
            return "disabled".equals(state) ? HealthResult.up("stun", "disabled") : HealthResult.down("stun", state);
        }
        return HealthResult.up("stun", server.bound() + "; " + counters());
    }

    /** {@code pb:stun}: where the server listens and its counters. */
    public String stun() {
        if (server == null) {
            return "stun: " + state;
        }
        return "stun: " + server.bound() + "\n" + counters() + "\nsources tracked by the rate limiter: "
                + server.trackedSources();
    }

    private String counters() {
        return "answered " + server.answered.get() + ", malformed " + server.malformed.get() + ", throttled "
                + server.throttled.get() + ", tcp connections " + server.tcpConnections.get();
    }

    /** The bound UDP port (tests), -1 when not listening. */
    int udpPort() {
        return server == null ? -1 : server.udpPort();
    }
}
