package org.patchbay.core.internal.call;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.patchbay.api.call.CallRecord;
import org.patchbay.api.call.LegSignal;
import org.patchbay.api.media.MediaHook;
import org.patchbay.api.media.MediaStats;
import org.patchbay.api.media.MediaUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's way to the media engine, the optional, dynamic {@link MediaHook}: the SDP each leg receives, DTMF the
 * engine sends itself, and the release of the legs' ports with their final statistics. Without an engine, or when it
 * fails, the call goes on without media anchoring (one WARN line each); only a leg the engine has no endpoint for can
 * be refused ({@link #strictSdp}). Each method reads the hook once. Call executor only.
 */
final class CallMedia {
    private static final Logger LOG = LoggerFactory.getLogger(CallMedia.class);

    private final String callId;
    private final Supplier<MediaHook> hook;

    /** {@code hook} gives the media engine bound now, or null. */
    CallMedia(String callId, Supplier<MediaHook> hook) {
        this.callId = callId;
        this.hook = hook;
    }

    /** The SDP {@code to} receives; when the media engine has no endpoint for it, the SDP passes unanchored. */
    String sdp(CallLeg from, CallLeg to, MediaHook.Kind kind, String sdp) {
        try {
            return strictSdp(from, to, kind, sdp);
        } catch (MediaUnavailableException e) {
            LOG.warn("call {}: no media for leg {}: {}; SDP passed unanchored", callId, to.id(), e.getMessage());
            return sdp;
        }
    }

    /** The SDP {@code to} receives; {@link MediaUnavailableException} when the engine has no endpoint for it. */
    String strictSdp(CallLeg from, CallLeg to, MediaHook.Kind kind, String sdp) {
        return sdp == null ? null : sdpFor(from.id(), to.id(), kind, sdp, to.mediaProfile());
    }

    private String sdpFor(String fromLeg, String toLeg, MediaHook.Kind kind, String sdp, MediaHook.Profile toProfile) {
        MediaHook h = hook.get();
        if (h == null) {
            return sdp;
        }
        try {
            String out = h.sdpFor(callId, fromLeg, toLeg, kind, sdp, toProfile);
            return out == null ? sdp : out;
        } catch (MediaUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("call {}: media hook failed, SDP passed unchanged: {}", callId, e.toString());
            return sdp;
        }
    }

    /**
     * An INFO between the legs of an answered call that carries a DTMF digit (application/dtmf-relay): true when the
     * media engine sends it as RFC 4733 instead, so that the INFO is answered here and not relayed.
     */
    boolean dtmf(CallLeg from, CallLeg to, LegSignal.Info info) {
        MediaHook h = hook.get();
        Optional<DtmfRelay> dtmf = h == null ? Optional.empty() : DtmfRelay.parse(info);
        if (dtmf.isEmpty()) {
            return false;
        }
        try {
            return h.dtmf(callId, from.id(), to.id(), dtmf.get().digit(), dtmf.get().durationMillis());
        } catch (RuntimeException e) {
            LOG.warn("call {}: media hook DTMF failed, INFO relayed: {}", callId, e.toString());
            return false;
        }
    }

    /**
     * Releases the call's media: the engine's final statistics of each leg it still held, by leg id (empty without an
     * engine, or when it failed).
     */
    Map<String, CallRecord.LegMedia> releaseCall() {
        MediaHook h = hook.get();
        if (h == null) {
            return Map.of();
        }
        Map<String, CallRecord.LegMedia> media = new HashMap<>();
        try {
            List<MediaStats> stats = h.releaseCall(callId);
            if (stats != null) {
                stats.forEach(s -> media.put(s.legId(), legMedia(s)));
            }
        } catch (RuntimeException e) {
            LOG.warn("call {}: media hook release failed: {}", callId, e.toString());
        }
        return media;
    }

    /** One leg of a live call ended (a losing fork): its media is released now; its final statistics, or null. */
    CallRecord.LegMedia releaseLeg(String legId) {
        MediaHook h = hook.get();
        if (h == null) {
            return null;
        }
        try {
            MediaStats s = h.releaseLeg(callId, legId);
            return s == null ? null : legMedia(s);
        } catch (RuntimeException e) {
            LOG.warn("call {}: media hook release of leg {} failed: {}", callId, legId, e.toString());
            return null;
        }
    }

    static CallRecord.LegMedia legMedia(MediaStats s) {
        return new CallRecord.LegMedia(s.codec(), s.packetsIn(), s.bytesIn(), s.packetsOut(), s.bytesOut(),
                s.lostIn(), s.jitterInMs(), s.rttMs(), s.srtp());
    }
}
