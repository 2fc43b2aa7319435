package org.patchbay.media.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** G.711 against values of the ITU-T reference tables, and its round trip. */
class G711Test {

    @Test
    void muLawKnownValues() {
        assertEquals((byte) 0xff, G711.encodeUlaw(0));
        assertEquals((byte) 0x7f, G711.encodeUlaw(-1));
        assertEquals((byte) 0x80, G711.encodeUlaw(32767), "positive clip");
        assertEquals((byte) 0x00, G711.encodeUlaw(-32768), "negative clip");
        assertEquals(0, G711.decodeUlaw((byte) 0xff));
        assertEquals(0, G711.decodeUlaw((byte) 0x7f));
        assertEquals(32124, G711.decodeUlaw((byte) 0x80));
        assertEquals(-32124, G711.decodeUlaw((byte) 0x00));
        assertEquals(8, G711.decodeUlaw((byte) 0xfe));
        assertEquals((byte) 0xce, G711.encodeUlaw(1000), "segment 3, step 1 (reference linear2ulaw)");
        assertEquals(988, G711.decodeUlaw((byte) 0xce));
    }

    @Test
    void aLawKnownValues() {
        assertEquals((byte) 0xd5, G711.encodeAlaw(0));
        assertEquals((byte) 0x55, G711.encodeAlaw(-1));
        assertEquals((byte) 0xaa, G711.encodeAlaw(32767), "positive clip");
        assertEquals((byte) 0x2a, G711.encodeAlaw(-32768), "negative clip");
        assertEquals(8, G711.decodeAlaw((byte) 0xd5));
        assertEquals(-8, G711.decodeAlaw((byte) 0x55));
        assertEquals(32256, G711.decodeAlaw((byte) 0xaa));
        assertEquals(-32256, G711.decodeAlaw((byte) 0x2a));
    }

    @Test
    void everyCodeRoundTrips() {
        for (int b = 0; b < 256; b++) {
            short u = G711.decodeUlaw((byte) b);
            assertEquals(u == 0 ? 0xff : b, G711.encodeUlaw(u) & 0xff, "µ-law code " + b); // 0x7f and 0xff are both 0
            assertEquals(b, G711.encodeAlaw(G711.decodeAlaw((byte) b)) & 0xff, "A-law code " + b);
        }
    }

    @Test
    void quantisationErrorIsWithinTheSegmentStep() {
        for (int x = -32000; x <= 32000; x += 7) {
            int step = Math.max(16, Integer.highestOneBit(Math.abs(x) + 1) / 8);
            assertTrue(Math.abs(G711.decodeUlaw(G711.encodeUlaw(x)) - x) <= step * 2, "µ-law " + x);
            assertTrue(Math.abs(G711.decodeAlaw(G711.encodeAlaw(x)) - x) <= step * 2, "A-law " + x);
        }
    }
}
