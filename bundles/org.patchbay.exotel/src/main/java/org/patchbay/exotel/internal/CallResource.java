package org.patchbay.exotel.internal;

import java.time.Instant;
import java.util.Set;

/**
 * One call-connect call, as Exotel's API shows it (the row of {@code pb_exotel_call}).
 *
 * @param callId   the core's call id, or null when the core refused the call
 * @param duration talk time in seconds once ended, else null
 */
record CallResource(String sid, String accountSid, String callId, String from, String to, String callerId,
                    String status, Instant dateCreated, Instant dateUpdated, Instant endTime, Integer duration,
                    String statusCallback, String customField, String callbackState, int callbackAttempts) {

    static final String QUEUED = "queued";
    static final String RINGING = "ringing";
    static final String IN_PROGRESS = "in-progress";
    static final String COMPLETED = "completed";
    static final String BUSY = "busy";
    static final String NO_ANSWER = "no-answer";
    static final String FAILED = "failed";
    static final String CANCELED = "canceled";

    static final Set<String> OPEN = Set.of(QUEUED, RINGING, IN_PROGRESS);

    boolean open() {
        return OPEN.contains(status);
    }

    CallResource withStatus(String newStatus, Instant now, Instant ended, Integer seconds) {
        String cb = callbackState;
        if (!OPEN.contains(newStatus) && statusCallback != null && "none".equals(cb)) {
            cb = "pending";
        }
        return new CallResource(sid, accountSid, callId, from, to, callerId, newStatus, dateCreated, now, ended,
                seconds, statusCallback, customField, cb, callbackAttempts);
    }
}
