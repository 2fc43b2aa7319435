package org.patchbay.sip.internal.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Replay protection: the highest nonce-count seen per nonce. A response is accepted only with an nc above the last one
 * accepted for its nonce. Entries live as long as their nonce; memory is bounded: when more than {@code max} nonces are
 * tracked, expired ones go first, and if that is not enough the "horizon" moves forward and every nonce issued before it
 * counts as used up (its client gets {@code stale=true} and simply takes a fresh nonce), so a flood can cost clients a
 * round trip but never opens a replay window.
 */
final class NonceCounts {

    private record Seen(long issued, long nc) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final long ttlMillis;
    private final int max;
    private volatile long horizon = Long.MIN_VALUE;

    NonceCounts(long ttlMillis, int max) {
        this.ttlMillis = ttlMillis;
        this.max = Math.max(16, max);
    }

    /** True when {@code nc} is above every count accepted so far for this nonce; records it. */
    boolean advance(String nonce, long issued, long nc, long nowMillis) {
        if (issued < horizon || nc < 1) {
            return false;
        }
        boolean[] ok = new boolean[1];
        seen.compute(nonce, (k, old) -> {
            if (old == null) {
                size.incrementAndGet();
                ok[0] = true;
                return new Seen(issued, nc);
            }
            if (nc > old.nc) {
                ok[0] = true;
                return new Seen(issued, nc);
            }
            return old;
        });
        if (size.get() > max) {
            prune(nowMillis);
        }
        return ok[0];
    }

    int size() {
        return size.get();
    }

    private synchronized void prune(long nowMillis) {
        if (size.get() <= max) {
            return;
        }
        long cut = nowMillis - ttlMillis;
        removeBefore(cut);
        long target = max * 3L / 4;
        long step = Math.max(1, ttlMillis / 8);
        while (size.get() > target && cut < nowMillis) {
            cut = Math.min(nowMillis, cut + step);
            horizon = cut;
            removeBefore(cut);
        }
    }

    private void removeBefore(long cut) {
        seen.entrySet().removeIf(e -> {
            if (e.getValue().issued < cut) {
                size.decrementAndGet();
                return true;
            }
            return false;
        });
    }
}
