package org.patchbay.api.call;

import java.util.Objects;

/**
 * What travels between a leg and the core, protocol-neutral. The adapter turns its protocol's messages into signals for
 * {@link LegControl#signal} and turns the signals the core sends to {@link Leg#signal} back into its protocol. SDP is
 * carried as text; a signal without SDP has {@code sdp == null}.
 */
public sealed interface LegSignal {

    /**
     * Core → outgoing leg: start the session (SIP: send INVITE). {@code hops} is how many more forwarding hops the
     * request may take (SIP: the Max-Forwards to send), already decremented by the core.
     */
    record Connect(String sdp, int hops) implements LegSignal {
        /** The hop limit when the caller's protocol has none (SIP's recommended Max-Forwards). */
        public static final int DEFAULT_HOPS = 70;

        public Connect {
            if (hops < 0) {
                throw new IllegalArgumentException("negative hops: " + hops);
            }
        }

        public Connect(String sdp) {
            this(sdp, DEFAULT_HOPS);
        }
    }

    /** A provisional answer (SIP 180/183), towards the caller. */
    record Progress(int code, String reason, String sdp) implements LegSignal {
        public Progress {
            if (code < 101 || code > 199) {
                throw new IllegalArgumentException("provisional code out of range: " + code);
            }
        }
    }

    /** The callee answered (SIP 200 to INVITE); towards the caller. */
    record Answer(String sdp) implements LegSignal {
    }

    /** The session attempt failed with a final status (SIP 3xx–6xx), towards the caller; or from an outgoing leg. */
    record Reject(int code, String reason) implements LegSignal {
        public Reject {
            if (code < 300 || code > 699) {
                throw new IllegalArgumentException("final failure code out of range: " + code);
            }
            reason = reason == null ? "" : reason;
        }
    }

    /** The caller confirmed the answer (SIP ACK); sdp is the answer when the offer came in the 200 (late offer). */
    record Confirm(String sdp) implements LegSignal {
    }

    /**
     * Give up an unanswered session: from the caller (SIP CANCEL), or from the core to an outgoing leg, with a reason
     * such as {@code SIP;cause=200;text="Call completed elsewhere"} (the protocol-neutral form is cause + text).
     */
    record Cancel(int cause, String text) implements LegSignal {
        public Cancel {
            text = text == null ? "" : text;
        }
    }

    /** End an established session (SIP BYE). */
    record Hangup(int cause, String text) implements LegSignal {
        public Hangup {
            text = text == null ? "" : text;
        }
    }

    /**
     * A mid-session change (SIP re-INVITE or UPDATE): hold, resume, new media. The receiving side answers it with a
     * {@link ModifyResult} carrying the same {@code txn}.
     */
    record Modify(String txn, Kind kind, String sdp) implements LegSignal {
        public enum Kind { REINVITE, UPDATE }

        public Modify {
            Objects.requireNonNull(txn, "txn");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** The answer to a {@link Modify}: 2xx with the answer SDP, or a failure (491 on glare). */
    record ModifyResult(String txn, int code, String reason, String sdp) implements LegSignal {
        public ModifyResult {
            Objects.requireNonNull(txn, "txn");
            reason = reason == null ? "" : reason;
        }
    }

    /** Mid-session information (SIP INFO: DTMF relay, application data); answered with an {@link InfoResult}. */
    record Info(String txn, String contentType, byte[] body) implements LegSignal {
        public Info {
            Objects.requireNonNull(txn, "txn");
            body = body == null ? new byte[0] : body.clone();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }
    }

    /** The answer to an {@link Info}. */
    record InfoResult(String txn, int code, String reason) implements LegSignal {
        public InfoResult {
            Objects.requireNonNull(txn, "txn");
            reason = reason == null ? "" : reason;
        }
    }
}
