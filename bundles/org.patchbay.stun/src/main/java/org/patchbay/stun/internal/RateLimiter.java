package org.patchbay.stun.internal;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Token bucket per source address: {@code perSecond} requests a second with bursts of twice that. At most
 * {@code maxSources} addresses are tracked; when full, buckets idle for over a minute are dropped, and if none is, new
 * sources are refused (a spoofed-source flood then costs no memory and gets no answers). Thread-safe.
 */
final class RateLimiter {
    private final double perNano;
    private final double burst;
    private final int maxSources;
    private final Map<InetAddress, double[]> buckets = new HashMap<>();

    RateLimiter(int perSecond, int maxSources) {
        this.perNano = perSecond / 1e9;
        this.burst = Math.max(1, 2.0 * perSecond);
        this.maxSources = maxSources;
    }

    /** True when a request from {@code source} at {@code now} (nanos) may be answered; 0 per second: no limit. */
    synchronized boolean allow(InetAddress source, long now) {
        if (perNano == 0) {
            return true;
        }
        double[] b = buckets.get(source);
        if (b == null) {
            if (buckets.size() >= maxSources) {
                buckets.values().removeIf(x -> now - (long) x[1] > 60_000_000_000L);
                if (buckets.size() >= maxSources) {
                    return false;
                }
            }
            b = new double[] {burst, now};
            buckets.put(source, b);
        }
        b[0] = Math.min(burst, b[0] + (now - (long) b[1]) * perNano);
        b[1] = now;
        if (b[0] < 1) {
            return false;
        }
        b[0] -= 1;
        return true;
    }

    synchronized int sources() {
        return buckets.size();
    }
}
