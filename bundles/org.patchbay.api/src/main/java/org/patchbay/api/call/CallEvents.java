package org.patchbay.api.call;

/** EventAdmin topics posted (asynchronously) by the core about calls. Property {@link #CALL} carries the call id. */
public final class CallEvents {
    public static final String STARTED = "org/patchbay/call/STARTED";
    /** A callee's device reported ringing (first provisional answer of the call): the call is early for both. */
    public static final String RINGING = "org/patchbay/call/RINGING";
    public static final String ANSWERED = "org/patchbay/call/ANSWERED";
    public static final String ENDED = "org/patchbay/call/ENDED";
    public static final String ALL = "org/patchbay/call/*";

    public static final String CALL = "call";
    public static final String CALLER = "caller";
    public static final String CALLEE = "callee";
    public static final String REASON = "reason";

    private CallEvents() {
    }
}
