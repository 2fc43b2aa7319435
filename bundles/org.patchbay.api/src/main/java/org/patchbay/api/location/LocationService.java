package org.patchbay.api.location;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;
import org.patchbay.api.identity.Aor;

/**
 * Where users can be reached: the bindings registrars (SIP REGISTER, later WebSocket and vendor logins) create. In memory;
 * clients re-register after a restart. Expired bindings are never returned and are removed by the service's own timer,
 * which posts {@link LocationEvents#EXPIRED}.
 */
@ProviderType
public interface LocationService {

    /** The live bindings of an address of record, highest q first, then most recently refreshed first. */
    List<Binding> lookup(Aor aor);

    /** Every live binding, for listings ({@code pb:regs}). */
    List<Binding> all();

    /**
     * Adds a binding or refreshes it. A binding replaces an existing one of the same AOR with the same contact, or with the
     * same {@link Binding#sameDevice device} (RFC 5626: a re-registering device never piles up bindings).
     *
     * @return the binding as stored
     */
    Binding bind(Binding binding);

    /** Removes the binding of {@code aor} with this contact; false when there was none. */
    boolean unbind(Aor aor, String contact);

    /** Removes every binding of {@code aor} (a REGISTER with {@code Contact: *}); returns how many went. */
    int unbindAll(Aor aor);

    /** Removes every binding created over the given connection (the flow went down); returns how many went. */
    int unbindFlow(String flow);

    /** Number of live bindings. */
    int count();
}
