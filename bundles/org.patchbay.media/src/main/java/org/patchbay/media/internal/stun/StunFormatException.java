package org.patchbay.media.internal.stun;

/** A datagram that is not a well-formed STUN message; the message names the first problem found. */
public final class StunFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public StunFormatException(String message) {
        super(message, null, false, false);
    }
}
