package org.patchbay.sip.internal.auth;

import java.util.List;

import org.patchbay.api.identity.Directory;

/** A DigestAuthenticator with default settings for tests outside this package. */
public final class AuthTesting {
    private AuthTesting() {
    }

    public static Authenticator authenticator(Directory directory) {
        return new DigestAuthenticator(directory, new AuthSettings(AuthSettings.DEFAULT_ALGORITHMS, 300_000, 10, 60_000,
                300_000, List.of("friendly-scanner"), List.of(), 10_000), System::currentTimeMillis);
    }
}
