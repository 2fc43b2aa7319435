package org.patchbay.api.identity;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An address of record, {@code user@domain}: the identity a user registers, calls and is called by.
 * The user part is case-sensitive (RFC 3261 §19.1.4); the domain is normalised to lower case.
 * Construction validates, so an {@code Aor} in hand is always well formed.
 */
public record Aor(String user, String domain) {

    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_~+\\-][A-Za-z0-9._~+\\-]{0,63}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public Aor {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(domain, "domain");
        if (!USER.matcher(user).matches()) {
            throw new IllegalArgumentException("invalid user part '" + printable(user)
                    + "': use 1-64 of letters, digits and . _ ~ + - (not starting with '.')");
        }
        domain = domain.toLowerCase(Locale.ROOT);
        if (!validDomain(domain)) {
            throw new IllegalArgumentException("invalid domain '" + printable(domain) + "': expected a host name such as example.com");
        }
    }

    /** Parses {@code user@domain}; a leading {@code sip:} is accepted. */
    public static Aor parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("missing address: expected user@domain");
        }
        String s = text.strip();
        if (s.regionMatches(true, 0, "sip:", 0, 4)) {
            s = s.substring(4);
        }
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) {
            throw new IllegalArgumentException("invalid address '" + printable(text) + "': expected user@domain");
        }
        return new Aor(s.substring(0, at), s.substring(at + 1));
    }

    private static boolean validDomain(String d) {
        if (d.isEmpty() || d.length() > 253) {
            return false;
        }
        for (String label : d.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public String toString() {
        return user + "@" + domain;
    }
}
