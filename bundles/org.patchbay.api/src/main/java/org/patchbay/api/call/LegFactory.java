package org.patchbay.api.call;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;
import org.patchbay.api.location.Binding;

/**
 * Creates outgoing legs towards a binding. Registered by each protocol adapter with service property
 * {@link #ADAPTER} naming the bindings it serves ({@link Binding#adapter()}).
 */
@ConsumerType
public interface LegFactory {

    /** Service property: the adapter name, e.g. {@code sip}. */
    String ADAPTER = "pb.leg.adapter";

    /**
     * A new, idle leg towards {@code target} for a call from {@code caller}. The core then sends it
     * {@link LegSignal.Connect}; the leg reports through {@code control}.
     */
    Leg create(Binding target, Party caller, Party callee, LegControl control);

    /**
     * As {@link #create(Binding, Party, Party, LegControl)}, with extension headers the leg's session request should
     * carry (names start with {@code X-}, see {@link Originate}); an adapter whose protocol has no headers ignores them.
     * The default ignores them.
     *
     * @since 1.3
     */
    default Leg create(Binding target, Party caller, Party callee, LegControl control, Map<String, String> headers) {
        return create(target, caller, callee, control);
    }
}
