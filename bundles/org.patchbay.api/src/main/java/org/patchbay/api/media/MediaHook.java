package org.patchbay.api.media;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Anchors media: the core asks it for the SDP each leg sees. When no hook is registered, SDP passes end to end unchanged.
 * Called on the call's serial executor; must not block on the network.
 */
@ConsumerType
public interface MediaHook {

    /** Whether an SDP is an offer or an answer. */
    enum Kind { OFFER, ANSWER }

    /**
     * What the core knows of a leg's media before its party has sent any SDP: a callee reached over a WebSocket
     * transport (RFC 7118) is a browser that speaks WebRTC (ICE, DTLS-SRTP, rtcp-mux); a callee reached over UDP, TCP or
     * TLS is taken to speak plain RTP; the caller's profile is in its own SDP ({@code UNKNOWN}).
     */
    enum Profile { UNKNOWN, RTP, WEBRTC }

    /**
     * The SDP leg {@code toLeg} of call {@code callId} should receive, given the SDP {@code fromLeg} sent.
     *
     * @return the SDP to send on, or the input unchanged
     * @throws MediaUnavailableException when no endpoint can be allocated for {@code toLeg} (the core refuses it)
     */
    String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp);

    /**
     * As {@link #sdpFor(String, String, String, Kind, String)}, with what the core knows of {@code toLeg}'s media
     * profile, so that an offer towards a browser can be a WebRTC offer. The core calls this one; the default ignores
     * the hint.
     *
     * @since 1.2
     */
    default String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp, Profile toProfile) {
        return sdpFor(callId, fromLeg, toLeg, kind, sdp);
    }

    /**
     * A DTMF digit that leg {@code fromLeg} sent as SIP INFO ({@code application/dtmf-relay}), for {@code toLeg}: the
     * engine may send it as RFC 4733 telephone-event in the media towards {@code toLeg}'s party instead. Must not block.
     *
     * @return true when the engine sends it (the core then answers the INFO itself and does not relay it); the default
     *         leaves the INFO to be relayed
     * @since 1.2
     */
    default boolean dtmf(String callId, String fromLeg, String toLeg, char digit, int durationMillis) {
        return false;
    }

    /** The call has ended: release everything held for it. */
    void release(String callId);

    /**
     * As {@link #release(String)}, returning each leg's final statistics taken just before the ports closed (legs
     * released earlier through {@link #releaseLeg} are not in it). The core calls this one and writes the statistics
     * into the call record; the default releases and returns nothing.
     *
     * @since 1.3
     */
    default java.util.List<MediaStats> releaseCall(String callId) {
        release(callId);
        return java.util.List.of();
    }

    /**
     * One leg of a live call has ended while the call goes on (a losing fork: cancelled, rejected, completed
     * elsewhere): release its endpoint now, and stop relaying its media (early media of a losing fork). The core calls
     * it once per such leg.
     *
     * @return the leg's final statistics, or null when the engine held nothing for it (the default)
     * @since 1.3
     */
    default MediaStats releaseLeg(String callId, String legId) {
        return null;
    }
}
