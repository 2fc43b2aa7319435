package org.patchbay.sip.internal.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NonceCountsTest {

    @Test
    void memoryStaysBoundedAndOldNoncesBecomeUnusableInsteadOfReplayable() {
        NonceCounts counts = new NonceCounts(300_000, 100);
        long now = 1_000_000;
        for (int i = 0; i < 1000; i++) {
            assertTrue(counts.advance("n" + i, now + i, 1, now + i));
        }
        assertTrue(counts.size() <= 100, "bounded: " + counts.size());
        assertFalse(counts.advance("n0", now, 1, now + 1000), "an early nonce cannot be replayed once forgotten");
        assertFalse(counts.advance("n0", now, 2, now + 1000), "nor used again at all");
        assertTrue(counts.advance("n999", now + 999, 2, now + 1000), "recent nonces still work");
    }

    @Test
    void expiredNoncesArePrunedFirst() {
        NonceCounts counts = new NonceCounts(1000, 16);
        for (int i = 0; i < 16; i++) {
            counts.advance("old" + i, 0, 1, 0);
        }
        assertTrue(counts.advance("new", 5000, 1, 5000));
        assertTrue(counts.size() <= 1, "expired ones went: " + counts.size());
        assertTrue(counts.advance("new", 5000, 2, 5000));
    }
}
