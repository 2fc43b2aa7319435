package org.patchbay.api.call;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;
import org.patchbay.api.identity.Aor;

/**
 * The protocol-neutral B2BUA. An adapter that receives a new session hands its leg in with {@link #place}; the core
 * routes it (the callee's bindings are rung in parallel through the {@link LegFactory} of each binding's adapter),
 * relays signals between the legs, runs the ring timer and writes a {@link CallRecord} when the call ends.
 */
@ProviderType
public interface CallService {

    /**
     * Starts a call from {@code caller} (already authenticated by the adapter) to {@code destination}. Routing happens
     * asynchronously; its outcome reaches {@code caller} as signals ({@link LegSignal.Progress}, {@link LegSignal.Answer}
     * or {@link LegSignal.Reject}: 404 unknown user, 480 no binding or no answer, 486 busy …).
     *
     * <p>Never blocks; {@code caller} may receive signals (on another thread) before this method returns.
     *
     * @param offer the caller's SDP offer, or null (offerless INVITE)
     * @param hops  forwarding hops the caller's request may still take (SIP: its Max-Forwards); at 0 the call is
     *              refused with 483 (Too Many Hops), otherwise the outgoing legs get {@code hops - 1}
     * @return the control the caller's adapter reports through
     */
    LegControl place(Leg caller, Aor destination, String offer, int hops);

    /** {@link #place(Leg, Aor, String, int)} with {@link LegSignal.Connect#DEFAULT_HOPS}. */
    default LegControl place(Leg caller, Aor destination, String offer) {
        return place(caller, destination, offer, LegSignal.Connect.DEFAULT_HOPS);
    }

    /**
     * Places a call between two parties itself (click-to-call): rings {@link Originate#first()}, and once it answered
     * rings {@link Originate#second()} and bridges them. Routing and ringing happen asynchronously; follow the call
     * with {@link #call(String)}, the {@link CallEvents} ({@code RINGING} when the first party rings, {@code ANSWERED}
     * when both answered, {@code ENDED}) and, once ended, its {@link CallRecord} (caller = first, callee = second;
     * end reasons as for any call, plus {@link Originate#TIME_LIMIT}). Never blocks.
     *
     * @return the new call's id
     * @throws IllegalStateException when the node refuses new calls (stopping, at its call limit)
     * @throws UnsupportedOperationException when the provider predates 1.3
     * @since 1.3
     */
    default String originate(Originate request) {
        throw new UnsupportedOperationException("originate");
    }

    /** Live calls. */
    List<CallInfo> calls();

    Optional<CallInfo> call(String id);

    /**
     * Ends a live call cleanly towards every party (BYE or CANCEL) with the given reason; false when no such call. A
     * reason that is a hyphenated lower-case token (at most 32 characters, e.g. {@code media-timeout}) is the record's
     * end reason; any other reason is recorded as {@code admin}.
     */
    boolean hangup(String id, String reason);

    /**
     * Sends mid-session information (SIP INFO) to leg {@code legId} of answered call {@code callId}, e.g. a DTMF digit
     * that the media engine received as RFC 4733 from the other party, for a browser that cannot read RFC 4733. The
     * leg's answer is not reported. False when there is no such answered call or leg.
     *
     * @since 1.2
     */
    default boolean info(String callId, String legId, String contentType, byte[] body) {
        return false;
    }

    /** Number of live calls and live legs (both drop to zero when nothing is in flight). */
    int liveCalls();

    int liveLegs();
}
