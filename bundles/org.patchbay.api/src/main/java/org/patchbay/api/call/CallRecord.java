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

    /** One leg of a recorded call. */
    public record LegRecord(String id, String adapter, String party, String role, String outcome) {
    }
}
