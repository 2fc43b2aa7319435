package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

/** Guessing the admin token: after 10 failures a minute an address gets 429 until the minute is over. */
class ThrottleIT {

    @Test
    void repeatedWrongTokensAreThrottledWithoutTouchingHealth() throws Exception {
        try (Distribution node = Distribution.copy("throttle")) {
            node.start();
            for (int i = 0; i < 10; i++) {
                assertEquals(401, node.request("GET", "/api/v1/users", null, "guess-" + i).statusCode());
            }
            HttpResponse<String> blocked = node.request("GET", "/api/v1/users", null, "guess-10");
            assertEquals(429, blocked.statusCode(), blocked.body());
            int retry = Integer.parseInt(blocked.headers().firstValue("Retry-After").orElse("0"));
            assertTrue(retry > 0 && retry <= 60, "Retry-After " + retry);
            assertTrue(blocked.body().contains("\"error\":\"too_many_requests\""), blocked.body());
            assertEquals(429, node.api("GET", "/users", null).statusCode(), "even the right token waits out the block");
            assertEquals(200, node.request("GET", "/health", null, null).statusCode(), "health is not behind the token");
            long warnings = node.log().lines().filter(l -> l.contains("Admin API")).count();
            assertTrue(warnings <= 3, "failures are logged per burst, not per request: " + warnings);
            assertFalse(node.log().contains("guess-"), "tried tokens are not logged");
        }
    }
}
