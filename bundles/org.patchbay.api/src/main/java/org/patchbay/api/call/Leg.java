package org.patchbay.api.call;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One party's side of a {@link CallService call}, implemented by a protocol adapter (the SIP bundle, later WebSocket and
 * vendor bundles). The core sends it {@link LegSignal signals} on the call's serial executor; {@link #signal} must not
 * block (send and return). A leg that has ended (hang-up, rejection, cancel, transport loss) reports it to its
 * {@link LegControl} and must then release everything it holds.
 */
@ConsumerType
public interface Leg {

    /** The adapter's name, e.g. {@code sip}. */
    String adapter();

    /** Who is on this leg. */
    Party party();

    /** Carries a signal from the core to the party. Never blocks; failures are reported back through {@link LegControl}. */
    void signal(LegSignal signal);

    /** Protocol details for listings ({@code pb:calls}): e.g. transport, remote address, dialog id. */
    Map<String, String> details();
}
