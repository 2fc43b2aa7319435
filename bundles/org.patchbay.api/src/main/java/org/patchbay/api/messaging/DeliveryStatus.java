package org.patchbay.api.messaging;

/** The state of one message towards one device of the recipient. */
public enum DeliveryStatus {
    /** Sent or about to be sent; retried with backoff after a failure or timeout. */
    PENDING,
    /** The device acknowledged it. Never sent to that device again. */
    DELIVERED,
    /** Every attempt failed; tried again when the device registers again while the message is still queued. */
    FAILED
}
