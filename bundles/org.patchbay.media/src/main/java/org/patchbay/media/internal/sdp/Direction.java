package org.patchbay.media.internal.sdp;

import java.util.Locale;

/** SDP media direction (RFC 3264 §5.1) as one party declares it for itself. */
public enum Direction {
    SENDRECV(true, true), SENDONLY(true, false), RECVONLY(false, true), INACTIVE(false, false);

    private final boolean sends;
    private final boolean receives;

    Direction(boolean sends, boolean receives) {
        this.sends = sends;
        this.receives = receives;
    }

    /** The party will send media. */
    public boolean sends() {
        return sends;
    }

    /** The party wants to receive media. */
    public boolean receives() {
        return receives;
    }

    /** The direction an {@code a=} attribute value names, or null when it names none. */
    static Direction of(String attribute) {
        switch (attribute) {
            case "sendrecv": return SENDRECV;
            case "sendonly": return SENDONLY;
            case "recvonly": return RECVONLY;
            case "inactive": return INACTIVE;
            default: return null;
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
