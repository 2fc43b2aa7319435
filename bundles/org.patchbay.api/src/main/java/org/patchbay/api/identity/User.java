package org.patchbay.api.identity;

import java.time.Instant;
import java.util.Objects;

/** A user of the directory. Carries no secret. */
public record User(Aor aor, String displayName, Instant created) {
    public User {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(created, "created");
        displayName = displayName == null ? "" : displayName;
    }
}
