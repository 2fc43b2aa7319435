package org.patchbay.media.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RtpReceiveStatsTest {

    @Test
    void lossFromSequenceGapsAcrossTheWrap() {
        RtpReceiveStats s = new RtpReceiveStats();
        int seq = 65500;
        int lostExpected = 0;
        for (int i = 0; i < 200; i++) {
            if (i % 20 == 7) {
                lostExpected++;
            } else {
                s.update(42, seq & 0xffff, i * 160L, i * 160L, 8000, true);
            }
            seq++;
        }
        assertEquals(lostExpected, s.lost());
        assertEquals(10, lostExpected);
    }

    @Test
    void jitterConvergesToTheTransitSwing() {
        RtpReceiveStats s = new RtpReceiveStats();
        for (int i = 0; i < 300; i++) {
            long ts = i * 160L;
            long arrival = ts + (i % 2 == 0 ? 0 : 80); // every packet's transit differs from the last by 80 units (10 ms)
            s.update(7, i, ts, arrival, 8000, true);
        }
        assertEquals(10.0, s.jitterMs(), 0.01);
    }

    @Test
    void eventsCountForLossButNotJitterAndANewSourceRestarts() {
        RtpReceiveStats s = new RtpReceiveStats();
        for (int i = 0; i < 50; i++) {
            s.update(7, i, 1000, i * 160L, 8000, false); // RFC 4733: one timestamp for the whole event
        }
        assertEquals(0.0, s.jitterMs());
        s.update(9, 5000, 0, 0, 8000, true);
        s.update(9, 5003, 480, 480, 8000, true);
        assertEquals(2, s.lost());
    }
}
