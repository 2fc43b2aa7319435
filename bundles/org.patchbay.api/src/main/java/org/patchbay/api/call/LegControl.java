package org.patchbay.api.call;

import org.osgi.annotation.versioning.ProviderType;

/** The core's side of one leg: the adapter reports what its party did. Thread-safe; never blocks the caller. */
@ProviderType
public interface LegControl {

    /** The core's id of this leg, unique in the node. */
    String legId();

    /** The core's id of the call this leg belongs to. */
    String callId();

    /** The party did something: answered, rejected, cancelled, hung up, modified the session, sent info … */
    void signal(LegSignal signal);

    /**
     * The leg is gone without a protocol goodbye (transport closed, timeout, the adapter is stopping). The core ends the
     * call towards the other parties and records {@code reason}.
     */
    void lost(String reason);
}
