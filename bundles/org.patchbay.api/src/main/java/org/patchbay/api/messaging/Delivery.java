package org.patchbay.api.messaging;

import java.time.Instant;
import java.util.Objects;

/**
 * One message towards one device of the recipient.
 *
 * @param device   the device: its RFC 5626 {@code +sip.instance} when it registered one, else its contact
 * @param adapter  the protocol adapter that reached it, e.g. {@code sip}
 * @param status   where that delivery stands
 * @param attempts how many times it was sent
 * @param code     the last answer (SIP-like status code: 200, 408 for a timeout, 480 ...), or 0 before the first
 * @param updated  when the status last changed
 */
public record Delivery(String device, String adapter, DeliveryStatus status, int attempts, int code, Instant updated) {
    public Delivery {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updated, "updated");
    }
}
