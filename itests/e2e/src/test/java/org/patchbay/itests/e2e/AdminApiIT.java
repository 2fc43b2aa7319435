package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The admin REST API of a real node: the happy path and every kind of bad request. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiIT {

    private Distribution node;

    @BeforeAll
    void boot() throws Exception {
        node = Distribution.copy("api");
        node.start();
    }

    @AfterAll
    void shutdown() throws Exception {
        node.close();
    }

    @Test
    void usersLifecycle() throws Exception {
        HttpResponse<String> created = node.api("POST", "/users",
                "{\"user\":\"alice@api.example\",\"password\":\"alice secret\",\"displayName\":\"Alice\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(created.headers().firstValue("Location").orElse("").endsWith("/api/v1/users/alice@api.example"));
        JsonObject user = json(created);
        assertEquals("alice@api.example", user.get("user").getAsString());
        assertEquals("Alice", user.get("displayName").getAsString());
        assertFalse(created.body().contains("alice secret"));

        assertEquals(200, node.api("GET", "/users/alice@api.example", null).statusCode());
        assertTrue(node.api("GET", "/users", null).body().contains("alice@api.example"));
        assertTrue(node.api("GET", "/users?filter=ALICE", null).body().contains("alice@api.example"));
        assertEquals(204, node.api("PUT", "/users/alice@api.example/password", "{\"password\":\"alice secret 2\"}").statusCode());
        assertEquals(204, node.api("DELETE", "/users/alice@api.example", null).statusCode());
        assertError(node.api("GET", "/users/alice@api.example", null), 404);
    }

    @Test
    void wrongOrMissingTokenIs401() throws Exception {
        HttpResponse<String> none = node.request("GET", "/api/v1/users", null, null);
        assertError(none, 401);
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertError(node.request("GET", "/api/v1/users", null, "not-the-token"), 401);
        assertError(node.request("DELETE", "/api/v1/users/x@y.example", null, node.token() + "x"), 401);
    }

    @Test
    void badRequestsAreJson4xxNever500() throws Exception {
        assertError(node.api("POST", "/users", "{\"user\": \"bob@api.example\", \"password\": "), 400);
        assertError(node.api("POST", "/users", "[1,2,3]"), 400);
        assertError(node.api("POST", "/users", "{\"password\":\"bob secret\"}"), 400);
        assertError(node.api("POST", "/users", "{\"user\":\"bob@api.example\"}"), 400);
        assertError(node.api("POST", "/users", "{\"user\":\"bob@\",\"password\":\"bob secret\"}"), 400);
        assertError(node.api("POST", "/users", "{\"user\":\"bob@api.example\",\"password\":\"short\"}"), 400);
        assertError(node.api("POST", "/users", "{\"user\":42,\"password\":{}}"), 400);
        assertError(node.api("POST", "/users", "{\"user\":\"bob@api.example\",\"password\":\"x" + "y".repeat(70_000) + "\"}"), 413);
        assertError(node.api("PUT", "/users/nobody@api.example/password", "{\"password\":\"whatever 1\"}"), 404);
        assertError(node.api("DELETE", "/users/nobody@api.example", null), 404);
        // Jetty refuses a malformed URI before any servlet context: its own 400 page, not JSON
        HttpResponse<String> badUri = node.api("GET", "/users/%00%ff", null);
        assertEquals(400, badUri.statusCode());
        assertFalse(badUri.body().contains("\tat ") || badUri.body().contains("Exception"), badUri.body());
        assertError(node.api("GET", "/users/bad%20address@x", null), 400);
        assertError(node.api("GET", "/no/such/resource", null), 404);
        assertEquals(201, node.api("POST", "/users", "{\"user\":\"bob@api.example\",\"password\":\"bob secret\"}").statusCode());
        assertError(node.api("POST", "/users", "{\"user\":\"bob@api.example\",\"password\":\"bob secret\"}"), 409);
        HttpResponse<String> wrongType = node.request("POST", "/api/v1/users", null, node.token());
        assertTrue(wrongType.statusCode() == 400 || wrongType.statusCode() == 415, wrongType.toString());
        assertError(wrongType, wrongType.statusCode());
        assertFalse(node.log().contains("bob secret"));
    }

    private static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private static void assertError(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        JsonObject body = json(r);
        assertTrue(body.has("error") && body.has("detail"), r.body());
        assertFalse(r.body().contains("\tat ") || r.body().contains("Exception"), "no stack trace: " + r.body());
    }
}
