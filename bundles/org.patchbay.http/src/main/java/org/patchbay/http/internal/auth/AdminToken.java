package org.patchbay.http.internal.auth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.patchbay.http.internal.secret.SecretFiles;

/**
 * The bearer token of the admin API, kept in {@code <data>/admin.token} (mode 0600). Generated on
 * first start (32 random bytes, base64url), reused afterwards; an operator may also write a token of
 * their own (at least 32 characters of base64url or base64 alphabet) into the file.
 */
public final class AdminToken {

    public static final String FILE = "admin.token";
    static final int BYTES = 32;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._~+/=-]{32,512}");

    private AdminToken() {
    }

    /** The token in {@code dataDir/admin.token}, created there on first use. */
    public static String loadOrCreate(Path dataDir) throws IOException {
        return SecretFiles.readOrCreate(dataDir.resolve(FILE), () -> SecretFiles.randomToken(BYTES),
                t -> VALID.matcher(t).matches());
    }
}
