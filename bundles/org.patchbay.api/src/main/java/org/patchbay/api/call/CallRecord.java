package org.patchbay.api.call;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A finished call, written durably when the call ends.
 *
 * @param id         call id
 * @param caller     caller's label ({@code user@domain} or URI)
 * @param callee     callee's label
 * @param legs       every leg that took part, caller's first
 * @param started    when the call arrived
 * @param answered   when it was answered, or null
 * @param ended      when it ended
 * @param endReason  {@code normal}, {@code cancelled}, {@code busy}, {@code no-answer}, {@code not-found},
 *                   {@code unavailable}, {@code rejected}, {@code failed}, {@code lost}, {@code admin}; or the token
 *                   a {@link CallService#hangup} named, e.g. {@code media-timeout}, {@code media-stopped}
 * @param endedBy    {@code caller}, {@code callee} or {@code system}
 * @param code       the final status the caller saw (200 for an answered call)
 */
public record CallRecord(String id, String caller, String callee, List<LegRecord> legs, Instant started, Instant answered,
                         Instant ended, String endReason, String endedBy, int code) {

    public CallRecord {
        legs = List.copyOf(legs);
    }

    /** Talk time: from answer to end, zero for an unanswered call. */
    public Duration duration() {
        return answered == null ? Duration.ZERO : Duration.between(answered, ended);
    }

    /**
     * One leg of a recorded call.
     *
     * @param media the leg's final media statistics when the media engine anchored it, else null (since 1.3)
     */
    public record LegRecord(String id, String adapter, String party, String role, String outcome, LegMedia media) {

        /** A leg without media statistics (1.2). */
        public LegRecord(String id, String adapter, String party, String role, String outcome) {
            this(id, adapter, party, role, outcome, null);
        }

        /** This leg with {@code media}. */
        public LegRecord withMedia(LegMedia m) {
            return new LegRecord(id, adapter, party, role, outcome, m);
        }
    }

    /**
     * A leg's media as the node's relay saw it when the leg ended (since 1.3).
     *
     * @param codec      {@code encoding/clock} the party sent (e.g. {@code PCMU/8000}), or empty
     * @param packetsIn  RTP packets received from the party
     * @param bytesIn    RTP bytes received from the party
     * @param packetsOut RTP packets sent to the party
     * @param bytesOut   RTP bytes sent to the party
     * @param lost       packets from the party that never arrived
     * @param jitterMs   interarrival jitter of the party's stream at the node, ms
     * @param rttMs      round-trip time node ↔ party from RTCP, ms, or -1 when unknown
     * @param srtp       whether the leg's media was SRTP (DTLS-SRTP, or SDES terminated by the node)
     */
    public record LegMedia(String codec, long packetsIn, long bytesIn, long packetsOut, long bytesOut, long lost,
                           double jitterMs, double rttMs, boolean srtp) {
        public LegMedia {
            codec = codec == null ? "" : codec;
        }
    }
}
