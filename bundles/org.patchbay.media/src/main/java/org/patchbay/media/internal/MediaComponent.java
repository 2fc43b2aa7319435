package org.patchbay.media.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.patchbay.api.call.CallService;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;
import org.patchbay.api.media.MediaHook;
import org.patchbay.api.media.MediaService;
import org.patchbay.api.media.MediaStats;
import org.patchbay.media.internal.dtls.NodeCertificate;
import org.patchbay.media.internal.relay.MediaEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media engine as a service: anchors every call's media ({@link MediaHook}), reports per-leg statistics
 * ({@link MediaService}) and its health. Stopping it, or changing its configuration, ends the anchored calls.
 */
@Component(configurationPid = MediaComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {MediaHook.class, MediaService.class, HealthCheck.class}, property = HealthCheck.NAME + "=media")
@Designate(ocd = MediaComponent.Config.class)
public final class MediaComponent implements MediaHook, MediaService, HealthCheck {
    static final String PID = "org.patchbay.media";

    private static final Logger LOG = LoggerFactory.getLogger(MediaComponent.class);

    @ObjectClassDefinition(name = "Patchbay media", description = "RTP/RTCP relay anchoring every call")
    public @interface Config {
        @AttributeDefinition(name = "Bind address", description = "Address the media ports bind (0.0.0.0: every IPv4 interface)")
        String host() default "0.0.0.0";

        @AttributeDefinition(name = "Advertised address", required = false,
                description = "Address written into SDP; empty: the bind address, or for 0.0.0.0 the first non-loopback IPv4 address")
        String address() default "";

        @AttributeDefinition(name = "Lowest port", min = "1024", max = "65534")
        int port_min() default 20000;

        @AttributeDefinition(name = "Highest port", min = "1025", max = "65535")
        int port_max() default 29999;

        @AttributeDefinition(name = "Threads", min = "1", max = "64", description = "Media threads (selectors)")
        int threads() default 2;

        @AttributeDefinition(name = "Media timeout (s)", min = "0", max = "86400",
                description = "An answered call with no RTP or RTCP for this long is ended (media-timeout); 0 = off")
        int media_timeout_seconds() default 60;

        @AttributeDefinition(name = "Anchor media", description = "false: SDP passes end to end, nothing is relayed")
        boolean anchor() default true;
    }

    private final MediaEngine engine;

    /**
     * The core is looked up when needed (a media timeout, the engine stopping) rather than referenced: the core binds
     * this component's {@link MediaHook} while it activates, and a reference back would be a service cycle that SCR
     * cannot always resolve.
     */
    @Activate
    public MediaComponent(BundleContext context, Config config) {
        MediaEngine.Settings s = settings(config);
        try {
            engine = new MediaEngine(s, new MediaEngine.Calls() {
                @Override
                public boolean answered(String callId) {
                    return withCalls(context, c -> c.call(callId).map(i -> "answered".equals(i.state())).orElse(false),
                            false);
                }

                @Override
                public void end(String callId, String reason) {
                    withCalls(context, c -> c.hangup(callId, reason), false);
                }

                @Override
                public void info(String callId, String legId, String contentType, byte[] body) {
                    withCalls(context, c -> c.info(callId, legId, contentType, body), false);
                }
            }, certificate(context));
        } catch (IOException e) {
            throw new UncheckedIOException("media engine could not start", e);
        }
        LOG.info("media: {} ports {}-{} on {} (SDP address {}), {} threads, timeout {} s", s.anchor() ? "anchoring,"
                : "pass-through,", s.portMin(), s.portMax(), s.host(), s.address(), s.threads(), s.timeoutSeconds());
    }

    /** The node's DTLS certificate for WebRTC legs, kept in the bundle's data area across restarts. */
    private static NodeCertificate certificate(BundleContext context) throws IOException {
        java.io.File dir = context.getDataFile("");
        SecureRandom random = new SecureRandom();
        return dir == null ? NodeCertificate.generate(random) : NodeCertificate.loadOrCreate(dir.toPath(), random);
    }

    private static <T> T withCalls(BundleContext context, Function<CallService, T> work, T otherwise) {
        ServiceReference<CallService> ref;
        try {
            ref = context.getServiceReference(CallService.class);
        } catch (IllegalStateException e) {
            return otherwise; // this bundle is gone
        }
        if (ref == null) {
            return otherwise; // no core: it ends its own calls when it stops
        }
        CallService calls = context.getService(ref);
        try {
            return calls == null ? otherwise : work.apply(calls);
        } finally {
            context.ungetService(ref);
        }
    }

    static MediaEngine.Settings settings(Config c) {
        if (c.port_min() < 1024 || c.port_max() > 65535 || c.port_max() <= c.port_min()) {
            throw new IllegalArgumentException("media: port.min/port.max must be 1024 <= min < max <= 65535, got "
                    + c.port_min() + "-" + c.port_max());
        }
        if (c.media_timeout_seconds() < 0) {
            throw new IllegalArgumentException("media: media.timeout.seconds must be >= 0, got " + c.media_timeout_seconds());
        }
        String host = c.host() == null || c.host().isBlank() ? "0.0.0.0" : c.host().strip();
        String address = c.address() == null || c.address().isBlank() ? advertised(host) : c.address().strip();
        return new MediaEngine.Settings(host, address, c.port_min(), c.port_max(), Math.max(1, c.threads()),
                c.media_timeout_seconds(), c.anchor());
    }

    private static String advertised(String host) {
        if (!host.equals("0.0.0.0")) {
            return host;
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            LOG.warn("media: network interfaces unreadable ({}), advertising 127.0.0.1", e.getMessage());
        }
        return "127.0.0.1";
    }

    @Deactivate
    void deactivate() {
        engine.close(true);
    }

    @Override
    public String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp) {
        return engine.sdpFor(callId, fromLeg, toLeg, kind, sdp);
    }

    @Override
    public boolean dtmf(String callId, String fromLeg, String toLeg, char digit, int durationMillis) {
        return engine.dtmf(callId, fromLeg, toLeg, digit, durationMillis);
    }

    @Override
    public String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp, Profile toProfile) {
        return engine.sdpFor(callId, fromLeg, toLeg, kind, sdp, toProfile);
    }

    /** {@link MediaEngine#terminateSdes}: the media bench hook's SRTP-to-RTP legs (same bundle). */
    public String terminateSdes(String callId, String legId, String sdp) {
        return engine.terminateSdes(callId, legId, sdp);
    }

    @Override
    public void release(String callId) {
        engine.release(callId);
    }

    @Override
    public List<MediaStats> releaseCall(String callId) {
        return engine.releaseCall(callId);
    }

    @Override
    public MediaStats releaseLeg(String callId, String legId) {
        return engine.releaseLeg(callId, legId);
    }

    @Override
    public boolean sendDtmf(String callId, String legId, String digits, int durationMillis) {
        return engine.sendDtmf(callId, legId, digits, durationMillis);
    }

    @Override
    public List<MediaStats> stats(String callId) {
        return engine.stats(callId);
    }

    @Override
    public int calls() {
        return engine.calls();
    }

    @Override
    public int endpoints() {
        return engine.endpoints();
    }

    @Override
    public HealthResult check() {
        String detail = engine.calls() + " calls, " + engine.portsInUse() + " of " + engine.portCapacity()
                + " port pairs in use";
        return engine.healthy() ? HealthResult.up("media", detail) : HealthResult.down("media", "media thread stopped; " + detail);
    }
}
