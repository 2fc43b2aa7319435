package org.patchbay.api.messaging;

/** Where a stored message stands, for the sender and for history listings. */
public enum MessageStatus {
    /** Stored; no device of the recipient has taken it yet (recipient offline, or deliveries still being tried). */
    QUEUED,
    /** At least one device of the recipient acknowledged it (for SIP: a 2xx to the MESSAGE). */
    DELIVERED,
    /** The recipient's client reported it displayed (IMDN display notification, RFC 5438). */
    DISPLAYED,
    /** Given up: never delivered within the undelivered retention. */
    FAILED
}
