package org.patchbay.messaging.internal.core;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.patchbay.api.identity.Aor;

/** At most {@code perMinute} messages per sender in a fixed one-minute window starting at its first message. */
final class RateLimiter {
    private static final long WINDOW_MS = 60_000;
    private static final int MAX_TRACKED = 100_000;

    private final Map<Aor, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final long start;
        int count;
        boolean refused;

        Window(long start) {
            this.start = start;
        }
    }

    /**
     * The verdict on one more message of {@code sender}: wait 0 = it may go, else the seconds until its window ends;
     * {@code first} is true for the first refusal of a window (log that one). {@code perMinute} 0 = no limit.
     */
    record Verdict(int waitSeconds, boolean first) {
    }

    Verdict acquire(Aor sender, int perMinute, long nowMs) {
        if (perMinute <= 0) {
            return new Verdict(0, false);
        }
        if (windows.size() > MAX_TRACKED) {
            prune(nowMs);
        }
        Verdict[] verdict = {new Verdict(0, false)};
        windows.compute(sender, (k, w) -> {
            Window current = w == null || nowMs - w.start >= WINDOW_MS ? new Window(nowMs) : w;
            if (current.count >= perMinute) {
                verdict[0] = new Verdict((int) Math.max(1, (current.start + WINDOW_MS - nowMs + 999) / 1000), !current.refused);
                current.refused = true;
            } else {
                current.count++;
            }
            return current;
        });
        return verdict[0];
    }

    void prune(long nowMs) {
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext();) {
            if (nowMs - it.next().start >= WINDOW_MS) {
                it.remove();
            }
        }
    }
}
