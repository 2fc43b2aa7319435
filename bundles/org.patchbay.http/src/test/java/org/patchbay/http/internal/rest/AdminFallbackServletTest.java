package org.patchbay.http.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;

import org.junit.jupiter.api.Test;
import org.patchbay.api.identity.DirectoryException;
import org.patchbay.api.identity.DirectoryException.Reason;
import org.patchbay.http.internal.FakeHttp.Req;
import org.patchbay.http.internal.FakeHttp.Res;

class AdminFallbackServletTest {

    private final AdminFallbackServlet servlet = new AdminFallbackServlet();

    @Test
    void unknownPathIs404Json() throws Exception {
        Res res = new Res();
        servlet.service(new Req("GET", "", "/nothing/here").build(), res.build());
        assertEquals(404, res.status);
        assertEquals("not_found", res.json().get("error").getAsString());
        assertTrue(res.json().get("detail").getAsString().contains("/api/v1/nothing/here"));
    }

    @Test
    void containerErrorsBecomeJsonWithoutInternals() throws Exception {
        Req req = new Req("GET", "/other", null);
        req.dispatcherType = DispatcherType.ERROR;
        req.attributes.put(RequestDispatcher.ERROR_STATUS_CODE, 500);
        req.attributes.put(RequestDispatcher.ERROR_MESSAGE, "java.lang.NullPointerException at Foo.java:12");
        Res res = new Res();
        servlet.service(req.build(), res.build());
        assertEquals(500, res.status);
        assertEquals("internal_error", res.json().get("error").getAsString());
        assertFalse(res.text().contains("NullPointer"));
    }

    @Test
    void everyStatusHasAJsonBody() {
        for (int status : new int[] {400, 401, 403, 404, 405, 406, 413, 415, 429, 500, 502, 503}) {
            ApiError e = AdminFallbackServlet.errorFor(status);
            assertEquals(status, e.status());
            assertFalse(e.code().isBlank());
        }
    }

    @Test
    void directoryReasonsMapToStatusCodes() {
        assertEquals(400, ApiError.from(new DirectoryException(Reason.INVALID, "x")).status());
        assertEquals(404, ApiError.from(new DirectoryException(Reason.NOT_FOUND, "x")).status());
        assertEquals(409, ApiError.from(new DirectoryException(Reason.CONFLICT, "x")).status());
        assertEquals(503, ApiError.from(new DirectoryException(Reason.UNAVAILABLE, "x")).status());
    }

    @Test
    void detailIsOneLine() {
        assertEquals("a b c", JsonResponses.oneLine("a\nb\r\n\tc"));
        assertEquals(301, JsonResponses.oneLine("x".repeat(1000)).length());
    }
}
