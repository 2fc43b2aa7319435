package org.patchbay.api.presence;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;
import org.patchbay.api.identity.Aor;

/**
 * The node's presence core. Adapters publish what users tell them; the core composes each user's presence:
 * {@code offline} (closed) without a registration, {@code on-the-phone} (busy) while in a call, otherwise the most
 * recent live publication, and {@code available} (open) when the user is online and published nothing. Publications
 * are stored and survive a restart. Watchers are {@link PresenceListener} services.
 *
 * <p>Thread-safe; methods touch the database and may block briefly: call them from adapter threads, never from the
 * call path.
 */
@ProviderType
public interface PresenceService {

    /**
     * Adds or replaces publication {@code id} of the state's user (stored with its expiry). Listeners hear of it when
     * the composed presence changes.
     */
    void publish(Publication publication);

    /** The live publication {@code id} of {@code aor}, if any. */
    Optional<Publication> publication(Aor aor, String id);

    /** The live publications of {@code aor}, newest first. */
    List<Publication> publications(Aor aor);

    /** Withdraws a publication (SIP: PUBLISH with Expires 0); false when there was none. */
    boolean withdraw(Aor aor, String id);

    /** The composed presence of {@code aor} now. */
    PresenceState presence(Aor aor);

    /** The composed presence of every user the node knows something about (published, registered or in a call). */
    List<PresenceState> all();
}
