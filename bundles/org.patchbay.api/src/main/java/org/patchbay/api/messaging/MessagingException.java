package org.patchbay.api.messaging;

import java.util.Objects;

/** A message the node refuses, with the reason an adapter maps to its protocol's answer. */
public final class MessagingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why; each names the SIP answer the SIP adapter gives. */
    public enum Reason {
        /** The recipient is no user of this node (SIP 404). */
        NOT_FOUND,
        /** The body exceeds the configured size limit (SIP 413). */
        TOO_LARGE,
        /** The content type is not in the configured allow-list (SIP 415). */
        UNSUPPORTED_TYPE,
        /** The sender exceeded its rate limit; see {@link #retryAfterSeconds()} (SIP 503 with Retry-After). */
        RATE_LIMITED,
        /** A transient message (is-composing) for a recipient with no live device: nothing to relay to (SIP 480). */
        OFFLINE,
        /** The arguments are malformed (SIP 400). */
        INVALID,
        /** The store or the service is not available right now (SIP 500/503). */
        UNAVAILABLE
    }

    private final Reason reason;
    private final int retryAfterSeconds;

    public MessagingException(Reason reason, String message) {
        this(reason, message, 0, null);
    }

    public MessagingException(Reason reason, String message, int retryAfterSeconds, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    /** Seconds the sender should wait before trying again ({@link Reason#RATE_LIMITED}), else 0. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
