package org.patchbay.http.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patchbay.http.internal.FakeHttp.Req;
import org.patchbay.http.internal.FakeHttp.Res;

class UsersServletTest {

    private final FakeDirectory directory = new FakeDirectory();
    private final UsersServlet servlet = new UsersServlet();

    @BeforeEach
    void wire() {
        servlet.directory = directory;
    }

    @Test
    void createShowListDelete() throws Exception {
        Res created = call(new Req("POST", "/users", null)
                .json("{\"user\":\"alice@Example.com\",\"password\":\"correct horse\",\"displayName\":\"Alice A\"}"));
        assertEquals(201, created.status, created.text());
        assertEquals("/api/v1/users/alice@example.com", created.header("Location"));
        JsonObject alice = created.json();
        assertEquals("alice@example.com", alice.get("user").getAsString());
        assertEquals("Alice A", alice.get("displayName").getAsString());
        assertEquals("2026-01-02T03:04:05Z", alice.get("created").getAsString());
        assertFalse(created.text().contains("correct horse"), "no secret in answers");
        assertEquals("application/json; charset=utf-8", created.contentType);

        call(new Req("POST", "/users", null).json("{\"user\":\"bob@example.com\",\"password\":\"12345678\"}"));

        Res one = call(new Req("GET", "/users", "/alice@example.com"));
        assertEquals(200, one.status);
        assertEquals(alice, one.json());

        Res all = call(new Req("GET", "/users", null));
        JsonArray users = all.json().getAsJsonArray("users");
        assertEquals(2, users.size());
        assertEquals("", users.get(1).getAsJsonObject().get("displayName").getAsString());

        Req filtered = new Req("GET", "/users", null);
        filtered.params.put("filter", "ALICE");
        assertEquals(1, call(filtered).json().getAsJsonArray("users").size());

        Res deleted = call(new Req("DELETE", "/users", "/alice@example.com"));
        assertEquals(204, deleted.status);
        assertEquals(0, deleted.body.size());
        assertEquals(404, call(new Req("GET", "/users", "/alice@example.com")).status);
    }

    @Test
    void setPassword() throws Exception {
        call(new Req("POST", "/users", null).json("{\"user\":\"bob@example.com\",\"password\":\"12345678\"}"));
        Res res = call(new Req("PUT", "/users", "/bob@example.com/password").json("{\"password\":\"new-password\"}"));
        assertEquals(204, res.status);
        assertEquals("new-password", directory.passwords.get("bob@example.com"));

        assertError(call(new Req("PUT", "/users", "/nobody@example.com/password").json("{\"password\":\"new-password\"}")),
                404, "not_found");
        assertError(call(new Req("PUT", "/users", "/bob@example.com/password").json("{\"password\":\"short\"}")),
                400, "invalid_argument");
    }

    @Test
    void refusalsMapToStatusCodes() throws Exception {
        String body = "{\"user\":\"carol@example.com\",\"password\":\"12345678\"}";
        call(new Req("POST", "/users", null).json(body));
        assertError(call(new Req("POST", "/users", null).json(body)), 409, "conflict");
        assertError(call(new Req("GET", "/users", "/dave@example.com")), 404, "not_found");
        assertError(call(new Req("DELETE", "/users", "/dave@example.com")), 404, "not_found");
        assertError(call(new Req("GET", "/users", "/not-an-address")), 400, "invalid_argument");
        assertError(call(new Req("POST", "/users", null).json("{\"user\":\"a b@example.com\",\"password\":\"12345678\"}")),
                400, "invalid_argument");
        assertError(call(new Req("POST", "/users", null).json("{\"user\":\"x@example.com\",\"password\":\"1\"}")),
                400, "invalid_argument");
        directory.unavailable = true;
        assertError(call(new Req("GET", "/users", null)), 503, "unavailable");
    }

    @Test
    void badBodiesAre4xxNever500() throws Exception {
        assertError(call(new Req("POST", "/users", null).json("{\"user\":")), 400, "malformed_json");
        assertError(call(new Req("POST", "/users", null).json("{'user':'a@b.c'}")), 400, "malformed_json");
        assertError(call(new Req("POST", "/users", null).json("[1,2]")), 400, "malformed_json");
        assertError(call(new Req("POST", "/users", null).json("{} {}")), 400, "malformed_json");
        assertError(call(new Req("POST", "/users", null).json("")), 400, "malformed_json");
        assertError(call(new Req("POST", "/users", null).json("{\"password\":\"12345678\"}")), 400, "missing_field");
        assertError(call(new Req("POST", "/users", null).json("{\"user\":\"a@b.c\"}")), 400, "missing_field");
        assertError(call(new Req("POST", "/users", null).json("{\"user\":1,\"password\":\"12345678\"}")), 400,
                "invalid_field");
        assertError(call(new Req("POST", "/users", null).json("{\"user\":\"a@b.c\",\"password\":\"12345678\",\"admin\":true}")),
                400, "unknown_field");

        Req invalidUtf8 = new Req("POST", "/users", null).json("");
        invalidUtf8.body = new byte[] {'{', '"', (byte) 0xC3, '"', '}'};
        assertError(call(invalidUtf8), 400, "malformed_json");

        Req plain = new Req("POST", "/users", null).json("{}");
        plain.headers.put("Content-Type", "text/plain");
        assertError(call(plain), 415, "unsupported_media_type");
        Req latin = new Req("POST", "/users", null).json("{}");
        latin.headers.put("Content-Type", "application/json; charset=iso-8859-1");
        assertError(call(latin), 415, "unsupported_media_type");
        Req none = new Req("POST", "/users", null).json("{}");
        none.headers.remove("Content-Type");
        assertError(call(none), 415, "unsupported_media_type");
        Req noCharset = new Req("POST", "/users", null).json("{\"user\":\"e@example.com\",\"password\":\"12345678\"}");
        noCharset.headers.put("Content-Type", "Application/JSON");
        assertEquals(201, call(noCharset).status, "charset is optional: JSON is UTF-8");

        Req big = new Req("POST", "/users", null).json("{\"user\":\"" + "x".repeat(70_000) + "\"}");
        assertError(call(big), 413, "payload_too_large");
        Req declaredBig = new Req("POST", "/users", null).json("{}");
        declaredBig.contentLength = 10_000_000L;
        assertError(call(declaredBig), 413, "payload_too_large");
    }

    @Test
    void wrongMethodsAndPaths() throws Exception {
        Res put = call(new Req("PUT", "/users", null).json("{}"));
        assertError(put, 405, "method_not_allowed");
        assertEquals("GET, POST", put.header("Allow"));
        assertError(call(new Req("POST", "/users", "/a@example.com")), 405, "method_not_allowed");
        assertError(call(new Req("GET", "/users", "/a@example.com/password")), 405, "method_not_allowed");
        assertError(call(new Req("PATCH", "/users", "/a@example.com")), 405, "method_not_allowed");
        assertError(call(new Req("GET", "/users", "/a@example.com/other")), 404, "not_found");
        assertError(call(new Req("GET", "/users", "/a@example.com/password/x")), 404, "not_found");
    }

    @Test
    void missingDirectoryIs503() throws Exception {
        servlet.directory = null;
        assertError(call(new Req("GET", "/users", null)), 503, "unavailable");
    }

    @Test
    void unexpectedFailureIs500WithoutStackTrace() throws Exception {
        directory.failure = new IllegalStateException("pool exhausted at com.example.Internal");
        Res res = call(new Req("GET", "/users", null));
        assertError(res, 500, "internal_error");
        assertFalse(res.text().contains("com.example"), res.text());
    }

    private Res call(Req req) throws Exception {
        Res res = new Res();
        servlet.service(req.build(), res.build());
        return res;
    }

    private static void assertError(Res res, int status, String code) {
        assertEquals(status, res.status, res.text());
        JsonObject body = res.json();
        assertEquals(code, body.get("error").getAsString(), res.text());
        String detail = body.get("detail").getAsString();
        assertFalse(detail.isBlank());
        assertFalse(detail.contains("\n"));
        assertEquals(2, body.size(), "only error and detail");
        assertTrue(new String(res.body.toByteArray(), StandardCharsets.UTF_8).startsWith("{"));
    }
}
