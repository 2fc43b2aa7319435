package org.patchbay.exotel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.patchbay.api.identity.Aor;

class ConnectRequestTest {

    private static Map<String, String> params(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("From", "agent1", "To", "bob@node.test", "CallerId", "08012345678"));
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                m.remove(kv[i]);
            } else {
                m.put(kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    private static String refusal(Map<String, String> p, String domain) {
        ApiError e = assertThrows(ApiError.class, () -> ConnectRequest.parse(p, domain));
        assertEquals(400, e.status);
        return e.getMessage();
    }

    @Test
    void acceptsExotelsParametersAndIgnoresOthers() throws ApiError {
        ConnectRequest r = ConnectRequest.parse(params("TimeLimit", "30", "TimeOut", "20", "CallType", "trans",
                "StatusCallback", "http://127.0.0.1:9/cb?x=1", "CustomField", "order-7", "Record", "true"), "node.test");
        assertEquals(Aor.parse("agent1@node.test"), r.from());
        assertEquals(Aor.parse("bob@node.test"), r.to());
        assertEquals("agent1", r.fromText());
        assertEquals("08012345678", r.callerId());
        assertEquals(30, r.timeLimit());
        assertEquals(20, r.timeOut());
        assertEquals("http://127.0.0.1:9/cb?x=1", r.statusCallback());
        assertEquals("order-7", r.customField());
        ConnectRequest plain = ConnectRequest.parse(params("From", "sip:Agent1@Node.Test"), "");
        assertEquals(0, plain.timeLimit());
        assertEquals(0, plain.timeOut());
        assertNull(plain.statusCallback());
    }

    @Test
    void refusesMissingAndBadParameters() {
        assertTrue(refusal(params("From", null), "d.test").contains("From"));
        assertTrue(refusal(params("To", " "), "d.test").contains("To"));
        assertTrue(refusal(params("CallerId", null), "d.test").contains("CallerId"));
        assertTrue(refusal(params("CallerId", "08<script>"), "d.test").contains("CallerId"));
        assertTrue(refusal(params(), "").contains("domain"), "a bare From needs a default domain");
        assertTrue(refusal(params("To", "bad user@x.test"), "d.test").contains("To"));
        assertTrue(refusal(params("To", "bob@bad_domain!"), "d.test").contains("To"));
        assertTrue(refusal(params("TimeLimit", "0"), "d.test").contains("TimeLimit"));
        assertTrue(refusal(params("TimeLimit", "14401"), "d.test").contains("TimeLimit"));
        assertTrue(refusal(params("TimeLimit", "ten"), "d.test").contains("TimeLimit"));
        assertTrue(refusal(params("TimeOut", "-5"), "d.test").contains("TimeOut"));
        assertTrue(refusal(params("StatusCallback", "ftp://x/y"), "d.test").contains("StatusCallback"));
        assertTrue(refusal(params("StatusCallback", "file:///etc/passwd"), "d.test").contains("StatusCallback"));
        assertTrue(refusal(params("StatusCallback", "not a url"), "d.test").contains("StatusCallback"));
        assertTrue(refusal(params("CustomField", "x".repeat(129)), "d.test").contains("CustomField"));
        assertTrue(refusal(params("From", "a".repeat(400)), "d.test").contains("From"));
    }
}
