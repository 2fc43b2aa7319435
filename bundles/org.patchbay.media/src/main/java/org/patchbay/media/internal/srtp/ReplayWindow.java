package org.patchbay.media.internal.srtp;

/**
 * A 64-packet sliding replay window over packet indices (RFC 3711 §3.3.2). Not thread-safe; owned by
 * one stream of one context.
 */
public final class ReplayWindow {

    /** Number of indices behind the highest one that are still tracked. */
    public static final int SIZE = 64;

    private long highest = -1;
    private long bitmap;

    /** Whether {@code index} is new: neither seen before nor older than the window. */
    public boolean isFresh(long index) {
        if (highest < 0 || index > highest) {
            return true;
        }
        long delta = highest - index;
        return delta < SIZE && (bitmap & (1L << delta)) == 0;
    }

    /** Records {@code index} as received; call only after the packet authenticated. */
    public void accept(long index) {
        if (highest < 0) {
            highest = index;
            bitmap = 1;
        } else if (index > highest) {
            long shift = index - highest;
            bitmap = shift >= SIZE ? 1 : (bitmap << shift) | 1;
            highest = index;
        } else {
            long delta = highest - index;
            if (delta < SIZE) {
                bitmap |= 1L << delta;
            }
        }
    }

    /** The highest index accepted so far, or -1. */
    public long highest() {
        return highest;
    }
}
