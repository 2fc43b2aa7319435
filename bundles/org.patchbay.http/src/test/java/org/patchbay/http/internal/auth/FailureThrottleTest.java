package org.patchbay.http.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class FailureThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final FailureThrottle throttle = new FailureThrottle(10, 60_000, 100, now::get);

    @Test
    void blocksAfterTenFailuresForTheRestOfTheWindow() {
        for (int i = 1; i <= 9; i++) {
            FailureThrottle.Failure f = throttle.fail("10.0.0.1");
            assertEquals(i == 1, f.firstInWindow());
            assertFalse(f.nowBlocked());
            now.addAndGet(1000);
        }
        assertEquals(0, throttle.blockedFor("10.0.0.1"));
        FailureThrottle.Failure tenth = throttle.fail("10.0.0.1");
        assertTrue(tenth.nowBlocked());
        assertEquals(51_000, tenth.retryAfterMillis(), "window started 9 s ago");
        assertEquals(51_000, throttle.blockedFor("10.0.0.1"));
        assertEquals(0, throttle.blockedFor("10.0.0.2"), "other clients are not affected");

        now.addAndGet(51_000);
        assertEquals(0, throttle.blockedFor("10.0.0.1"), "window over");
        assertTrue(throttle.fail("10.0.0.1").firstInWindow(), "a new window starts");
    }

    @Test
    void failuresSpreadOverWindowsDoNotBlock() {
        for (int i = 0; i < 30; i++) {
            throttle.fail("10.0.0.1");
            now.addAndGet(7_000);
        }
        assertEquals(0, throttle.blockedFor("10.0.0.1"));
    }

    @Test
    void successForgetsFailures() {
        for (int i = 0; i < 9; i++) {
            throttle.fail("10.0.0.1");
        }
        throttle.succeed("10.0.0.1");
        assertTrue(throttle.fail("10.0.0.1").firstInWindow());
        assertFalse(throttle.fail("10.0.0.1").nowBlocked());
    }

    @Test
    void memoryIsBounded() {
        for (int i = 0; i < 1000; i++) {
            throttle.fail("10.0." + (i / 256) + "." + (i % 256));
        }
        assertTrue(throttle.size() <= 100, "size " + throttle.size());
        // the newest clients are the ones kept
        assertFalse(throttle.fail("10.0.3.231").firstInWindow());
    }

    @Test
    void expiredEntriesAreDroppedFirst() {
        throttle.fail("10.0.0.1");
        now.addAndGet(61_000);
        for (int i = 0; i < 100; i++) {
            throttle.fail("10.1.0." + i);
        }
        assertEquals(100, throttle.size());
    }

    @Test
    void ipv6ClientsCountPerSlash64() {
        assertEquals(FailureThrottle.key("2001:db8:1:2::1"), FailureThrottle.key("2001:db8:1:2:ffff::9"));
        assertFalse(FailureThrottle.key("2001:db8:1:2::1").equals(FailureThrottle.key("2001:db8:1:3::1")));
        assertEquals("192.0.2.1", FailureThrottle.key("192.0.2.1"));
        for (int i = 0; i < 10; i++) {
            throttle.fail("2001:db8:1:2::" + Integer.toHexString(i + 1));
        }
        assertTrue(throttle.blockedFor("2001:db8:1:2::abcd") > 0);
    }
}
