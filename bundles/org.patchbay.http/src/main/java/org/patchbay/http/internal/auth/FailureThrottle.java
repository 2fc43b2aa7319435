package org.patchbay.http.internal.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Counts failed authentications per client. A client with {@code limit} failures inside one window
 * (which starts at its first failure) is blocked until that window ends. IPv6 clients are counted per
 * /64, since one host usually owns a whole /64 and could otherwise rotate addresses.
 *
 * <p>Memory is bounded: at most {@code maxEntries} clients are tracked. Entries are kept in order of
 * their window start, so expired ones are dropped from the head, and when the table is full of live
 * windows the oldest is evicted. Thread-safe.
 */
public final class FailureThrottle {

    /** The state after a failure: whether it opened a window (log it) and whether it caused a block. */
    public record Failure(boolean firstInWindow, boolean nowBlocked, long retryAfterMillis) {
    }

    private static final class Window {
        final long start;
        int failures;

        Window(long start) {
            this.start = start;
        }
    }

    private final int limit;
    private final long windowMillis;
    private final int maxEntries;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();

    /** @param clock monotonic milliseconds */
    public FailureThrottle(int limit, long windowMillis, int maxEntries, LongSupplier clock) {
        this.limit = limit;
        this.windowMillis = windowMillis;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** 10 failures per 60 s, 10 000 clients, on {@link System#nanoTime()}. */
    public static FailureThrottle standard() {
        return new FailureThrottle(10, 60_000, 10_000, () -> System.nanoTime() / 1_000_000);
    }

    /** Milliseconds until {@code address} may try again; 0 when it is not blocked. */
    public synchronized long blockedFor(String address) {
        long now = clock.getAsLong();
        Window w = windows.get(key(address));
        if (w == null || w.failures < limit) {
            return 0;
        }
        long left = w.start + windowMillis - now;
        return Math.max(0, left);
    }

    public synchronized Failure fail(String address) {
        long now = clock.getAsLong();
        String key = key(address);
        Window w = windows.get(key);
        boolean first = false;
        if (w == null || now - w.start >= windowMillis) {
            // re-inserted, so the map stays ordered by window start
            windows.remove(key);
            purge(now);
            w = new Window(now);
            windows.put(key, w);
            first = true;
        }
        w.failures++;
        boolean blockedNow = w.failures == limit;
        return new Failure(first, blockedNow, blockedNow ? w.start + windowMillis - now : 0);
    }

    /** A successful authentication forgets the client's earlier failures. */
    public synchronized void succeed(String address) {
        windows.remove(key(address));
    }

    synchronized int size() {
        return windows.size();
    }

    private void purge(long now) {
        Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator();
        while (it.hasNext()) {
            Window w = it.next().getValue();
            if (now - w.start < windowMillis && windows.size() < maxEntries) {
                return;
            }
            it.remove();
        }
    }

    /** The counting key: the address itself, or its /64 prefix for IPv6. */
    static String key(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return String.valueOf(address);
        }
        try {
            byte[] b = InetAddress.getByName(address).getAddress(); // a literal: no name lookup
            if (b.length != 16) {
                return address;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
            }
            return sb.append(":/64").toString();
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
