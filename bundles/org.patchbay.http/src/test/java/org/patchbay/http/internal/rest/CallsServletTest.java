package org.patchbay.http.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.gson.JsonObject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patchbay.api.call.CallInfo;
import org.patchbay.api.call.CallRecord;
import org.patchbay.api.call.CallRecords;
import org.patchbay.api.call.CallService;
import org.patchbay.api.call.Leg;
import org.patchbay.api.call.LegControl;
import org.patchbay.api.call.Party;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.media.MediaService;
import org.patchbay.api.media.MediaStats;
import org.patchbay.http.internal.FakeHttp.Req;
import org.patchbay.http.internal.FakeHttp.Res;

class CallsServletTest {
    private static final Instant T = Instant.parse("2026-11-22T00:00:00Z");

    private final CallsServlet servlet = new CallsServlet();
    private final List<CallInfo> live = new ArrayList<>();
    private final List<CallRecord> records = new ArrayList<>();
    private final List<String> sent = new ArrayList<>();

    @BeforeEach
    void wire() {
        Party a = Party.of(Aor.parse("alice@example.com"));
        Party b = Party.of(Aor.parse("bob@example.com"));
        live.add(new CallInfo("c1", a, b, "answered", T, T.plusSeconds(1), List.of(
                new CallInfo.LegInfo("c1.1", "sip", a, "answered", Map.of()),
                new CallInfo.LegInfo("c1.2", "sip", b, "ended", Map.of()),
                new CallInfo.LegInfo("c1.3", "sip", b, "answered", Map.of()))));
        servlet.calls = new Calls();
        servlet.records = new Records();
        servlet.media = new Media();
    }

    @Test
    void dtmfGoesToTheNamedLegAndRefusalsHaveClearStatuses() throws Exception {
        Res ok = call(new Req("POST", "/calls", "/c1/dtmf").json("{\"leg\":\"callee\",\"digits\":\"12#\"}"));
        assertEquals(202, ok.status, ok.text());
        assertEquals("c1.3", ok.json().get("leg").getAsString());
        assertEquals(100, ok.json().get("durationMs").getAsInt());
        assertEquals(202, call(new Req("POST", "/calls", "/c1/dtmf")
                .json("{\"leg\":\"c1.1\",\"digits\":\"5\",\"durationMs\":250}")).status);
        assertEquals(List.of("c1 c1.3 12# 100", "c1 c1.1 5 250"), sent);

        assertError(call(new Req("POST", "/calls", "/c1/dtmf").json("{\"leg\":\"caller\",\"digits\":\"1x\"}")), 400,
                "invalid_argument");
        assertError(call(new Req("POST", "/calls", "/c1/dtmf").json("{\"leg\":\"caller\",\"digits\":\"0\"}")), 409,
                "conflict");
        assertError(call(new Req("POST", "/calls", "/c1/dtmf").json("{\"leg\":\"c1.2\",\"digits\":\"1\"}")), 409,
                "conflict");
        assertError(call(new Req("POST", "/calls", "/c1/dtmf").json("{\"leg\":\"c1.9\",\"digits\":\"1\"}")), 404,
                "not_found");
        assertError(call(new Req("POST", "/calls", "/c9/dtmf").json("{\"leg\":\"caller\",\"digits\":\"1\"}")), 404,
                "not_found");
        assertError(call(new Req("POST", "/calls", "/c1/dtmf").json("{\"leg\":\"caller\"}")), 400, "missing_field");
        assertError(call(new Req("POST", "/calls", "/c1/dtmf")
                .json("{\"leg\":\"caller\",\"digits\":\"1\",\"durationMs\":\"long\"}")), 400, "invalid_field");
        assertError(call(new Req("POST", "/calls", "/c1/dtmf").json("{\"leg\":\"caller\",\"digits\":\"1\",\"x\":1}")),
                400, "unknown_field");
        assertError(call(new Req("GET", "/calls", "/c1/dtmf")), 405, "method_not_allowed");
        servlet.media = null;
        assertError(call(new Req("POST", "/calls", "/c1/dtmf").json("{\"leg\":\"caller\",\"digits\":\"1\"}")), 503,
                "unavailable");
        assertEquals(2, sent.size());
    }

    @Test
    void liveCallShowsItsLegsMedia() throws Exception {
        Res one = call(new Req("GET", "/calls", "/c1"));
        assertEquals(200, one.status, one.text());
        JsonObject caller = one.json().getAsJsonArray("legs").get(0).getAsJsonObject();
        assertEquals("PCMU/8000", caller.getAsJsonObject("media").get("codec").getAsString());
        assertEquals(250, caller.getAsJsonObject("media").get("packetsIn").getAsLong());
        assertEquals(1, call(new Req("GET", "/calls", null)).json().getAsJsonArray("calls").size());
    }

    @Test
    void callRecordsCarryEachLegsFinalMedia() throws Exception {
        records.add(new CallRecord("r1", "alice@example.com", "bob@example.com", List.of(
                new CallRecord.LegRecord("r1.1", "sip", "alice@example.com", "caller", "hung up",
                        new CallRecord.LegMedia("PCMU/8000", 250, 43000, 248, 42656, 2, 0.5, 1.5, false)),
                new CallRecord.LegRecord("r1.2", "sip", "bob@example.com", "callee", "busy")),
                T, T.plusSeconds(1), T.plusSeconds(6), "normal", "caller", 200));
        Res list = call(new Req("GET", "/call-records", null));
        assertEquals(200, list.status, list.text());
        assertEquals(1, list.json().get("total").getAsLong());
        JsonObject r = list.json().getAsJsonArray("records").get(0).getAsJsonObject();
        assertEquals(5000, r.get("durationMs").getAsLong());
        JsonObject m = r.getAsJsonArray("legs").get(0).getAsJsonObject().getAsJsonObject("media");
        assertEquals("PCMU/8000", m.get("codec").getAsString());
        assertEquals(248, m.get("packetsOut").getAsLong());
        assertEquals(2, m.get("lost").getAsLong());
        assertEquals(1.5, m.get("rttMs").getAsDouble());
        assertEquals(false, m.get("srtp").getAsBoolean());
        assertTrue(r.getAsJsonArray("legs").get(1).getAsJsonObject().get("media").isJsonNull());
        assertEquals(r, call(new Req("GET", "/call-records", "/r1")).json());
        assertError(call(new Req("GET", "/call-records", "/nope")), 404, "not_found");
        Req bad = new Req("GET", "/call-records", null);
        bad.params.put("limit", "0");
        assertError(call(bad), 400, "invalid_argument");
    }

    private Res call(Req req) throws Exception {
        Res res = new Res();
        servlet.service(req.build(), res.build());
        return res;
    }

    private static void assertError(Res res, int status, String code) {
        assertEquals(status, res.status, res.text());
        assertEquals(code, res.json().get("error").getAsString(), res.text());
        assertTrue(!res.json().get("detail").getAsString().isBlank());
    }

    private final class Calls implements CallService {
        @Override
        public LegControl place(Leg caller, Aor destination, String offer, int hops) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<CallInfo> calls() {
            return live;
        }

        @Override
        public Optional<CallInfo> call(String id) {
            return live.stream().filter(c -> c.id().equals(id)).findFirst();
        }

        @Override
        public boolean hangup(String id, String reason) {
            return false;
        }

        @Override
        public int liveCalls() {
            return live.size();
        }

        @Override
        public int liveLegs() {
            return 0;
        }
    }

    private final class Records implements CallRecords {
        @Override
        public List<CallRecord> recent(int limit) {
            return records.stream().limit(limit).toList();
        }

        @Override
        public Optional<CallRecord> find(String id) {
            return records.stream().filter(r -> r.id().equals(id)).findFirst();
        }

        @Override
        public long count() {
            return records.size();
        }
    }

    private final class Media implements MediaService {
        @Override
        public List<MediaStats> stats(String callId) {
            return List.of(new MediaStats("c1.1", "127.0.0.1:20000", "127.0.0.1:4000", true, "sendrecv", 250, 43000,
                    248, 42656, 2, 0.44, 1, 0.25, 1.5, 0, "PCMU/8000", false));
        }

        @Override
        public int calls() {
            return 1;
        }

        @Override
        public int endpoints() {
            return 2;
        }

        @Override
        public boolean sendDtmf(String callId, String legId, String digits, int durationMillis) {
            if (digits.contains("x")) {
                throw new IllegalArgumentException("digits: 'x' is not one of 0-9 * # A-D");
            }
            if (digits.equals("0")) {
                throw new IllegalStateException("leg c1.1: its party did not negotiate telephone-event (RFC 4733)");
            }
            if (legId.equals("c1.2")) {
                return false;
            }
            sent.add(callId + " " + legId + " " + digits + " " + durationMillis);
            return true;
        }
    }
}
