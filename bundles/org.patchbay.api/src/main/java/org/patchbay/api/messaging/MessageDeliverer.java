package org.patchbay.api.messaging;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;
import org.patchbay.api.location.Binding;

/**
 * Delivers messages to the bindings of one protocol adapter (whiteboard). Registered with service property
 * {@link #ADAPTER} naming the bindings it serves ({@link Binding#adapter()}): the SIP bundle's deliverer serves
 * {@code sip} bindings, a vendor bundle serves its own. The messaging service calls it at most once at a time per
 * device and waits for the outcome before sending that device the next message (ordering).
 */
@ConsumerType
public interface MessageDeliverer {

    /** Service property: the adapter name, as in {@link Binding#adapter()} (same values as {@code pb.leg.adapter}). */
    String ADAPTER = "pb.msg.adapter";

    /**
     * Sends {@code message} to one device. Must not block: complete the stage when the device answers. The code is a
     * SIP-like status: 2xx = the device has it; 408 = no answer in time; any other = refused or failed (retried with
     * backoff, then given up for this device). Completing exceptionally counts as 500.
     */
    CompletionStage<Integer> deliver(Binding target, Message message);
}
