package org.patchbay.stun.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
 * (DS reactivates the component). A port that cannot be bound (another STUN/TURN server on the box) must not keep
 * the node from coming up: one WARN line names the port and the cause, the health check is degraded (healthy for
 * readiness, saying STUN is not served), and the bind is retried every {@value #RETRY_SECONDS} s until it works.
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

    /** How often a port that could not be bound is tried again. */
    static final long RETRY_SECONDS = 30;

    private final Config config;
    private final String every;
    private final InetSocketAddress bind;
    private final String where;
    /** Why nothing listens: "disabled", a configuration error, or the last bind failure; null while listening. */
    private volatile String state;
    private volatile boolean retrying;
    private volatile StunServer server;
    private final ScheduledExecutorService retry;

    @Activate
    public StunComponent(Config config) {
        this(config, TimeUnit.SECONDS.toMillis(RETRY_SECONDS));
    }

    /** {@code retryMillis}: how often a failed bind is tried again (tests use less than the 30 s). */
    StunComponent(Config config, long retryMillis) {
        this.config = config;
        this.every = retryMillis % 1000 == 0 ? retryMillis / 1000 + " s" : retryMillis + " ms";
        this.where = (config.address().isBlank() ? "*" : config.address().trim()) + ":" + config.port();
        if (!config.enabled()) {
            state = "disabled";
            bind = null;
            retry = null;
            return;
        }
        InetSocketAddress b = null;
        try {
            b = config.address().isBlank() ? new InetSocketAddress(config.port())
                    : new InetSocketAddress(config.address().trim(), config.port());
        } catch (IllegalArgumentException e) {
            state = "invalid configuration " + where + ": " + e.getMessage();
            LOG.warn("stun: {}", state);
        }
        bind = b;
        if (bind == null) {
            retry = null;
            return;
        }
        String failure = tryBind();
        if (failure == null) {
            retry = null;
            return;
        }
        // the node must come up without STUN (another STUN/TURN server may hold the port): say so once, retry quietly
        LOG.warn("stun: cannot bind {} ({}): STUN is not served; the node runs without it and retries every {}",
                where, failure, every);
        retrying = true;
        retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pb-stun-retry");
            t.setDaemon(true);
            return t;
        });
        retry.scheduleWithFixedDelay(this::retryBind, retryMillis, retryMillis, TimeUnit.MILLISECONDS);
    }

    /** Binds if it can; returns null on success, else the reason (also kept as {@link #state}). */
    private String tryBind() {
        try {
            if (bind.isUnresolved()) {
                throw new IOException("unknown host " + bind.getHostString());
            }
            server = new StunServer(bind, config.tcp(), Math.max(0, config.rate_per_second()), config.software());
            state = null;
            LOG.info("stun: listening on {}", server.bound());
            return null;
        } catch (IOException | IllegalArgumentException e) {
            state = "cannot bind " + where + " (" + e.getMessage() + ")";
            return e.getMessage();
        }
    }

    private void retryBind() {
        if (server == null && tryBind() == null) {
            retrying = false;
            retry.shutdown();
        }
    }

    @Deactivate
    void deactivate() {
        if (retry != null) {
            retry.shutdownNow();
            try {
                retry.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StunServer s = server;
        if (s != null) {
            s.close();
        }
    }

    /**
     * Up while listening or disabled; degraded (healthy for the node's readiness, but saying STUN is not served) while
     * the port cannot be bound and retries go on; down only for a configuration that can never bind.
     */
    @Override
    public HealthResult check() {
        StunServer s = server;
        if (s != null) {
            return HealthResult.up("stun", s.bound() + "; " + counters(s));
        }
        String st = state;
        if ("disabled".equals(st)) {
            return HealthResult.up("stun", "disabled");
        }
        if (retrying) {
            return HealthResult.degraded("stun", "not serving: " + st + "; retrying every " + every);
        }
        return HealthResult.down("stun", st);
    }

    /** {@code pb:stun}: where the server listens and its counters. */
    public String stun() {
        StunServer s = server;
        if (s == null) {
            return "stun: " + (retrying ? "not serving: " + state + "; retrying every " + every : state);
        }
        return "stun: " + s.bound() + "\n" + counters(s) + "\nsources tracked by the rate limiter: "
                + s.trackedSources();
    }

    private static String counters(StunServer s) {
        return "answered " + s.answered.get() + ", malformed " + s.malformed.get() + ", throttled "
                + s.throttled.get() + ", tcp connections " + s.tcpConnections.get();
    }

    /** The bound UDP port (tests), -1 when not listening. */
    int udpPort() {
        StunServer s = server;
        return s == null ? -1 : s.udpPort();
    }
}
