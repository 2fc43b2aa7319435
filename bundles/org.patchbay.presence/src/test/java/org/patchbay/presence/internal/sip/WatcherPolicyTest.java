package org.patchbay.presence.internal.sip;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.patchbay.api.identity.Aor;

class WatcherPolicyTest {
    private static final Aor BOB = Aor.parse("bob@a.example");

    @Test
    void sameDomainByDefault() {
        WatcherPolicy p = new WatcherPolicy(true, List.of(), List.of());
        assertTrue(p.allows(Aor.parse("carol@a.example"), BOB));
        assertFalse(p.allows(Aor.parse("eve@b.example"), BOB));
        assertTrue(p.allows(BOB, BOB));
    }

    @Test
    void allowAndDenyLists() {
        WatcherPolicy p = new WatcherPolicy(true, List.of("@b.example, dave@c.example"), List.of("carol@a.example"));
        assertTrue(p.allows(Aor.parse("eve@b.example"), BOB));
        assertTrue(p.allows(Aor.parse("dave@c.example"), BOB));
        assertFalse(p.allows(Aor.parse("mallory@c.example"), BOB));
        assertFalse(p.allows(Aor.parse("carol@a.example"), BOB));
        assertFalse(new WatcherPolicy(false, List.of(), List.of()).allows(Aor.parse("carol@a.example"), BOB));
        assertFalse(new WatcherPolicy(true, List.of(), List.of("*")).allows(Aor.parse("carol@a.example"), BOB));
    }
}
