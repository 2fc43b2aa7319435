package org.patchbay.exotel.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** Failed authentications per remote address in a sliding minute; past the limit the address is refused (429). */
final class Throttle {
    private static final long WINDOW_MILLIS = 60_000;
    private static final int MAX_ADDRESSES = 10_000;

    private final int perMinute;
    private final Map<String, Deque<Long>> failures = new HashMap<>();

    Throttle(int perMinute) {
        this.perMinute = perMinute;
    }

    synchronized boolean blocked(String remote, long now) {
        Deque<Long> d = failures.get(remote);
        if (d == null) {
            return false;
        }
        prune(d, now);
        if (d.isEmpty()) {
            failures.remove(remote);
        }
        return d.size() >= perMinute;
    }

    synchronized void failed(String remote, long now) {
        if (failures.size() >= MAX_ADDRESSES) {
            failures.values().removeIf(d -> {
                prune(d, now);
                return d.isEmpty();
            });
            if (failures.size() >= MAX_ADDRESSES) {
                failures.clear();
            }
        }
        failures.computeIfAbsent(remote, r -> new ArrayDeque<>()).addLast(now);
    }

    private static void prune(Deque<Long> d, long now) {
        while (!d.isEmpty() && now - d.peekFirst() > WINDOW_MILLIS) {
            d.removeFirst();
        }
    }
}
