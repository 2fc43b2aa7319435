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
     * The SDP leg {@code toLeg} of call {@code callId} should receive, given the SDP {@code fromLeg} sent.
     *
     * @return the SDP to send on, or the input unchanged
     * @throws MediaUnavailableException when no endpoint can be allocated for {@code toLeg} (the core refuses it)
     */
    String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp);

    /** The call has ended: release everything held for it. */
    void release(String callId);
}
