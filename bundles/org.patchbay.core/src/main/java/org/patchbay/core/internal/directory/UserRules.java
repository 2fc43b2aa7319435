package org.patchbay.core.internal.directory;

import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.DirectoryException;
import org.patchbay.api.identity.DirectoryException.Reason;

/**
 * What a password and a display name must look like. Lives with the directory so the shell, the
 * REST API and any later front end enforce the same rules.
 */
final class UserRules {

    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 128;
    static final int MAX_DISPLAY_NAME = 128;

    private UserRules() {
    }

    /** @throws DirectoryException {@code INVALID}, naming what is wrong (never echoing the password) */
    static void checkPassword(Aor aor, String password) {
        if (password == null || password.isEmpty()) {
            throw invalid("missing password");
        }
        int length = password.codePointCount(0, password.length());
        if (length < MIN_PASSWORD || length > MAX_PASSWORD) {
            throw invalid("password must be " + MIN_PASSWORD + " to " + MAX_PASSWORD
                    + " characters (got " + length + ")");
        }
        if (password.codePoints().anyMatch(Character::isISOControl)) {
            throw invalid("password must not contain control characters");
        }
        if (password.equalsIgnoreCase(aor.user()) || password.equalsIgnoreCase(aor.toString())) {
            throw invalid("password must not be the user name");
        }
    }

    /** @return the display name to store: trimmed, empty when absent */
    static String checkDisplayName(String displayName) {
        if (displayName == null) {
            return "";
        }
        String name = displayName.strip();
        if (name.codePointCount(0, name.length()) > MAX_DISPLAY_NAME) {
            throw invalid("display name longer than " + MAX_DISPLAY_NAME + " characters");
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw invalid("display name must not contain control characters");
        }
        return name;
    }

    private static DirectoryException invalid(String message) {
        return new DirectoryException(Reason.INVALID, message);
    }
}
