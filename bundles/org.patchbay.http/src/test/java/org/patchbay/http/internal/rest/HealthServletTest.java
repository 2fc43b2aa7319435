package org.patchbay.http.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.List;

import com.google.gson.JsonObject;

import org.junit.jupiter.api.Test;
import org.patchbay.api.health.HealthReport;
import org.patchbay.api.health.HealthResult;
import org.patchbay.http.internal.FakeHttp.Req;
import org.patchbay.http.internal.FakeHttp.Res;

class HealthServletTest {

    private final HealthServlet servlet = new HealthServlet();

    @Test
    void healthyIs200WithChecks() throws Exception {
        Instant at = Instant.parse("2026-03-04T05:06:07Z");
        servlet.health = () -> new HealthReport(true, at, List.of(HealthResult.up("http", "HTTP 0.0.0.0:8080"),
                HealthResult.up("store", "H2")));
        Res res = get();
        assertEquals(200, res.status);
        assertEquals("no-store", res.header("Cache-Control"));
        JsonObject body = res.json();
        assertEquals("UP", body.get("status").getAsString());
        assertEquals("2026-03-04T05:06:07Z", body.get("at").getAsString());
        JsonObject first = body.getAsJsonArray("checks").get(0).getAsJsonObject();
        assertEquals("http", first.get("name").getAsString());
        assertEquals(true, first.get("healthy").getAsBoolean());
        assertEquals("HTTP 0.0.0.0:8080", first.get("detail").getAsString());
    }

    @Test
    void degradedCheckIsUpAndSaysSo() throws Exception {
        servlet.health = () -> new HealthReport(true, Instant.now(), List.of(
                HealthResult.degraded("stun", "not serving: port 3478 taken"), HealthResult.up("store", "H2")));
        Res res = get();
        assertEquals(200, res.status);
        assertEquals("UP", res.json().get("status").getAsString());
        JsonObject stun = res.json().getAsJsonArray("checks").get(0).getAsJsonObject();
        assertEquals(true, stun.get("healthy").getAsBoolean());
        assertEquals(true, stun.get("degraded").getAsBoolean());
        assertFalse(res.json().getAsJsonArray("checks").get(1).getAsJsonObject().has("degraded"));
    }

    @Test
    void unhealthyIs503WithTheSameBody() throws Exception {
        servlet.health = () -> new HealthReport(false, Instant.now(), List.of(HealthResult.down("store", "no database")));
        Res res = get();
        assertEquals(503, res.status);
        assertEquals("DOWN", res.json().get("status").getAsString());
        assertEquals("no database", res.json().getAsJsonArray("checks").get(0).getAsJsonObject().get("detail").getAsString());
    }

    @Test
    void missingOrFailingHealthServiceIs503Down() throws Exception {
        servlet.health = null;
        Res res = get();
        assertEquals(503, res.status);
        assertEquals("DOWN", res.json().get("status").getAsString());
        assertFalse(res.json().getAsJsonArray("checks").get(0).getAsJsonObject().get("healthy").getAsBoolean());

        servlet.health = () -> {
            throw new IllegalStateException("boom");
        };
        assertEquals(503, get().status);
    }

    @Test
    void onlyGetAndHead() throws Exception {
        servlet.health = () -> new HealthReport(true, Instant.now(), List.of());
        Res post = new Res();
        servlet.service(new Req("POST", "/health", null).build(), post.build());
        assertEquals(405, post.status);
        assertEquals("method_not_allowed", post.json().get("error").getAsString());

        Res head = new Res();
        servlet.service(new Req("HEAD", "/health", null).build(), head.build());
        assertEquals(200, head.status);
        assertEquals(0, head.body.size());
    }

    private Res get() throws Exception {
        Res res = new Res();
        servlet.service(new Req("GET", "/health", null).build(), res.build());
        return res;
    }
}
