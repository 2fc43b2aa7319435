package org.patchbay.api.identity;

import java.util.Objects;

/**
 * A stored digest credential: {@code HA1 = H(user ":" realm ":" password)} in lower-case hex.
 * Never log or print {@link #ha1()}: it is password-equivalent for its realm.
 */
public record Credential(Aor aor, String realm, DigestAlgorithm algorithm, String ha1) {
    public Credential {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(ha1, "ha1");
    }

    @Override
    public String toString() {
        return "Credential[" + aor + ", realm=" + realm + ", " + algorithm.token() + ", ha1=***]";
    }
}
