package org.patchbay.http.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.DispatcherType;

import org.junit.jupiter.api.Test;
import org.patchbay.http.internal.FakeHttp.Req;
import org.patchbay.http.internal.FakeHttp.Res;

class AdminApiContextTest {

    private static final String TOKEN = "Vh2m0b3o5fT9Qm6XlqkR8yJ2dZc1nA7pE4sW0uKtYxI";
    private final AtomicLong now = new AtomicLong(0);
    private final AdminApiContext context = new AdminApiContext(TOKEN, new FailureThrottle(10, 60_000, 10_000, now::get));

    @Test
    void validTokenPasses() throws Exception {
        Res res = new Res();
        assertTrue(context.handleSecurity(request("Bearer " + TOKEN, "10.0.0.1"), res.build()));
        assertEquals(200, res.status);
        assertEquals(0, res.body.size());
    }

    @Test
    void missingTokenIs401Json() throws Exception {
        Res res = new Res();
        assertFalse(context.handleSecurity(request(null, "10.0.0.1"), res.build()));
        assertEquals(401, res.status);
        assertEquals("Bearer realm=\"patchbay\"", res.header("WWW-Authenticate"));
        assertEquals("application/json; charset=utf-8", res.contentType);
        assertEquals("unauthorized", res.json().get("error").getAsString());
        assertTrue(res.json().get("detail").getAsString().contains("Authorization"));
    }

    @Test
    void wrongTokenIs401AndNeverEchoed() throws Exception {
        Res res = new Res();
        assertFalse(context.handleSecurity(request("Bearer guess-123", "10.0.0.1"), res.build()));
        assertEquals(401, res.status);
        assertTrue(res.header("WWW-Authenticate").contains("invalid_token"));
        assertFalse(res.text().contains("guess-123"));
        assertFalse(res.text().contains(TOKEN));
    }

    @Test
    void bruteForceGets429UntilTheWindowEnds() throws Exception {
        for (int i = 0; i < 10; i++) {
            Res res = new Res();
            context.handleSecurity(request("Bearer wrong" + i, "10.0.0.9"), res.build());
            assertEquals(401, res.status, "attempt " + (i + 1));
        }
        now.addAndGet(20_000);
        Res blocked = new Res();
        assertFalse(context.handleSecurity(request("Bearer " + TOKEN, "10.0.0.9"), blocked.build()),
                "even the right token waits: otherwise guessing would continue");
        assertEquals(429, blocked.status);
        assertEquals("40", blocked.header("Retry-After"));
        assertEquals("too_many_requests", blocked.json().get("error").getAsString());

        Res other = new Res();
        assertTrue(context.handleSecurity(request("Bearer " + TOKEN, "10.0.0.10"), other.build()));

        now.addAndGet(40_000);
        Res after = new Res();
        assertTrue(context.handleSecurity(request("Bearer " + TOKEN, "10.0.0.9"), after.build()));
    }

    @Test
    void errorDispatchIsNotCheckedAgain() throws Exception {
        Req req = new Req("GET", "/users", null);
        req.dispatcherType = DispatcherType.ERROR;
        assertTrue(context.handleSecurity(req.build(), new Res().build()));
    }

    private static jakarta.servlet.http.HttpServletRequest request(String authorization, String address) {
        Req req = new Req("GET", "/users", null);
        req.remoteAddr = address;
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        return req.build();
    }
}
