package org.patchbay.api.presence;

import java.time.Instant;
import java.util.Objects;

/**
 * One publication of a user's state (RFC 3903 event state): an adapter may keep several per user (one per device or
 * per client), each with its own id (SIP: the entity tag) and expiry.
 *
 * @param id    opaque id, unique per user (SIP: the SIP-ETag)
 * @param state the published state; its {@link PresenceState#expires()} is when the publication lapses
 */
public record Publication(String id, PresenceState state) {
    public Publication {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(state.expires(), "a publication needs an expiry");
    }

    public boolean expired(Instant now) {
        return !state.expires().isAfter(now);
    }
}
