package org.patchbay.api.call;

import java.util.Objects;
import org.patchbay.api.identity.Aor;

/**
 * Who is on a leg.
 *
 * @param aor         the party's address of record when it is a known user, or null (an outside number, a trunk)
 * @param uri         the party's URI as its protocol names it, e.g. {@code sip:alice@example.com}
 * @param displayName display name, or empty
 */
public record Party(Aor aor, String uri, String displayName) {
    public Party {
        Objects.requireNonNull(uri, "uri");
        displayName = displayName == null ? "" : displayName;
    }

    public static Party of(Aor aor) {
        return new Party(aor, "sip:" + aor, "");
    }

    /** {@code user@domain} when known, else the URI. */
    public String label() {
        return aor != null ? aor.toString() : uri;
    }
}
