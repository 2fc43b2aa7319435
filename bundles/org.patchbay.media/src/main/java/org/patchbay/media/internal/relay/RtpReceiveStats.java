package org.patchbay.media.internal.relay;

/**
 * Loss and interarrival jitter of one received RTP stream, as RFC 3550 A.1 (sequence numbers, extended with wrap
 * cycles) and A.8 (jitter in timestamp units, smoothed by 1/16). Single-threaded: only the loop thread that owns the
 * endpoint updates it; readers on other threads see values that are at worst a packet old.
 */
final class RtpReceiveStats {
    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;

    private boolean started;
    private long ssrc;
    private int baseSeq;
    private int maxSeq;
    private long cycles;
    private long received;
    private long lostBefore;
    private volatile long lost;
    private boolean transitKnown;
    private long lastTransit;
    private double jitter;
    private volatile double jitterMs;

    /**
     * One packet arrived.
     *
     * @param arrival arrival time in the stream's timestamp units (any origin, the same for every packet)
     * @param audio   false for packets that carry no sampled audio (RFC 4733 events): they count for loss only
     */
    void update(long ssrc, int seq, long timestamp, long arrival, int clock, boolean audio) {
        if (!started || ssrc != this.ssrc) {
            restart(ssrc, seq);
        } else {
            int delta = (seq - maxSeq + SEQ_MOD) % SEQ_MOD;
            if (delta < MAX_DROPOUT) {
                if (seq < maxSeq) {
                    cycles += SEQ_MOD;
                }
                maxSeq = seq;
            } else if (delta <= SEQ_MOD - MAX_MISORDER) {
                restart(ssrc, seq); // the sender jumped: a new sequence from here
            }
        }
        received++;
        long expected = cycles + maxSeq - baseSeq + 1;
        lost = lostBefore + Math.max(0, expected - received);
        if (audio) {
            long transit = arrival - timestamp;
            if (transitKnown) {
                long d = Math.abs(transit - lastTransit);
                if (d < Integer.MAX_VALUE) {
                    jitter += (d - jitter) / 16.0;
                    jitterMs = jitter * 1000.0 / clock;
                }
            }
            lastTransit = transit;
            transitKnown = true;
        }
    }

    private void restart(long ssrc, int seq) {
        if (started) {
            lostBefore = lost;
        }
        started = true;
        this.ssrc = ssrc;
        baseSeq = seq;
        maxSeq = seq;
        cycles = 0;
        received = 0;
        transitKnown = false;
    }

    long lost() {
        return lost;
    }

    double jitterMs() {
        return jitterMs;
    }
}
