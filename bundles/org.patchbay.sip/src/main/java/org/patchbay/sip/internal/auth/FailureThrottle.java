package org.patchbay.sip.internal.auth;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Brute-force protection: authentication failures counted per source address in a fixed window that starts with the
 * first failure. More than {@code maxFailures} in one window refuses the address for {@code cooldownMillis}. Memory is
 * bounded by pruning idle entries once more than {@link #PRUNE_ABOVE} addresses are tracked. Thread-safe.
 */
final class FailureThrottle {

    static final int PRUNE_ABOVE = 10_000;

    private record State(long windowStart, int failures, long refusedUntil) {
    }

    private final Map<InetAddress, State> states = new ConcurrentHashMap<>();
    private final int maxFailures;
    private final long windowMillis;
    private final long cooldownMillis;

    FailureThrottle(int maxFailures, long windowMillis, long cooldownMillis) {
        this.maxFailures = maxFailures;
        this.windowMillis = windowMillis;
        this.cooldownMillis = cooldownMillis;
    }

    /** True while the address is in its cool-down. */
    boolean refused(InetAddress address, long nowMillis) {
        State s = states.get(address);
        return s != null && s.refusedUntil > nowMillis;
    }

    /** Counts one failure; returns the failures in the current window when this one started a cool-down, else 0. */
    int failure(InetAddress address, long nowMillis) {
        int[] started = new int[1];
        states.compute(address, (a, s) -> {
            if (s != null && s.refusedUntil > nowMillis) {
                return s;
            }
            if (s == null || nowMillis - s.windowStart >= windowMillis) {
                s = new State(nowMillis, 0, 0);
            }
            int n = s.failures + 1;
            if (n > maxFailures) {
                started[0] = n;
                return new State(nowMillis, 0, nowMillis + cooldownMillis);
            }
            return new State(s.windowStart, n, 0);
        });
        if (states.size() > PRUNE_ABOVE) {
            states.values().removeIf(s -> s.refusedUntil <= nowMillis && nowMillis - s.windowStart >= windowMillis);
        }
        return started[0];
    }

    int tracked() {
        return states.size();
    }
}
