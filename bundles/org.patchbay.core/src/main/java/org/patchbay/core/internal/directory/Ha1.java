package org.patchbay.core.internal.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.patchbay.api.identity.DigestAlgorithm;

/** {@code HA1 = H(username ":" realm ":" password)}, RFC 7616 §3.4.2 / RFC 8760, lower-case hex. */
final class Ha1 {

    private Ha1() {
    }

    static String of(DigestAlgorithm algorithm, String user, String realm, String password) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm.jcaName());
            byte[] h = md.digest((user + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + algorithm.jcaName(), e);
        }
    }
}
