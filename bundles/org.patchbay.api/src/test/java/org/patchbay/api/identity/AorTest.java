package org.patchbay.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AorTest {

    @Test
    void parsesAndNormalisesTheDomainOnly() {
        Aor aor = Aor.parse("  sip:Alice.Liddell@Example.COM ");
        assertEquals("Alice.Liddell", aor.user());
        assertEquals("example.com", aor.domain());
        assertEquals("Alice.Liddell@example.com", aor.toString());
        assertEquals(Aor.parse("1001@pbx.example"), new Aor("1001", "PBX.example"));
    }

    @Test
    void refusesMalformedAddressesWithTheReason() {
        for (String bad : new String[] {"", "alice", "@example.com", "alice@", "alice@exa mple.com", ".alice@example.com",
                "al ice@example.com", "alice@-example.com", "alice@example..com", "a/b@example.com", "x".repeat(65) + "@e.com",
                "alice@" + "a".repeat(64) + ".com", "tab\t@example.com"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Aor.parse(bad), bad);
            assertFalse(e.getMessage().contains("\t"), "control characters are not echoed: " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Aor.parse(null));
    }

    @Test
    void theLastAtSeparatesUserAndDomain() {
        assertThrows(IllegalArgumentException.class, () -> Aor.parse("a@b@example.com"), "'@' is not a user character");
        assertTrue(Aor.parse("a+tag@example.com").user().contains("+"));
    }

    @Test
    void credentialsNeverPrintTheirHa1() {
        Credential c = new Credential(Aor.parse("a@b.example"), "b.example", DigestAlgorithm.SHA_256, "deadbeef");
        assertFalse(c.toString().contains("deadbeef"));
    }
}
