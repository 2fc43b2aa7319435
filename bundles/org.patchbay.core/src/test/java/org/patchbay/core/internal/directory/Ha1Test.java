package org.patchbay.core.internal.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.patchbay.api.identity.DigestAlgorithm;

class Ha1Test {

    @Test
    void md5MatchesRfc2617Example() {
        // RFC 2617 §3.5: HA1 of Mufasa / testrealm@host.com / "Circle Of Life"
        assertEquals("939e7578ed9e3c518a452acee763bce9",
                Ha1.of(DigestAlgorithm.MD5, "Mufasa", "testrealm@host.com", "Circle Of Life"));
    }

    @Test
    void sha256MatchesRfc7616Example() {
        // RFC 7616 §3.9.1: SHA-256 A1 of Mufasa / http-auth@example.org / "Circle of Life"
        assertEquals("7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232",
                Ha1.of(DigestAlgorithm.SHA_256, "Mufasa", "http-auth@example.org", "Circle of Life"));
    }
}
