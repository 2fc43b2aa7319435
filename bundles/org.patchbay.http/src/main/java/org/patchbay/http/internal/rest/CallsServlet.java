package org.patchbay.http.internal.rest;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.patchbay.api.call.CallInfo;
import org.patchbay.api.call.CallRecord;
import org.patchbay.api.call.CallRecords;
import org.patchbay.api.call.CallService;
import org.patchbay.api.http.HttpContexts;
import org.patchbay.api.media.MediaService;
import org.patchbay.api.media.MediaStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/calls} and {@code /api/v1/call-records}: live calls (with each leg's media), DTMF generated towards a
 * leg, and the call records with each leg's final media.
 *
 * <pre>
 * GET  /calls                     200 {"calls": [call…]}
 * GET  /calls/{id}                200 call, each leg with "media" when the media engine anchors it
 * POST /calls/{id}/dtmf           202 {"call", "leg", "digits", "durationMs"}   body {"leg", "digits", "durationMs"?}
 * GET  /call-records[?limit=n]    200 {"records": [record…], "total"}            newest first, n 1..1000, default 20
 * GET  /call-records/{id}         200 record
 * </pre>
 *
 * {@code leg} is a leg id, {@code caller}, or {@code callee} (the answered callee leg). The services are optional: a
 * missing one answers 503.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect("(" + "osgi.http.whiteboard.context.name=" + HttpContexts.ADMIN_API + ")")
@HttpWhiteboardServletPattern({"/calls", "/calls/*", "/call-records", "/call-records/*"})
@HttpWhiteboardServletName("patchbay-calls")
public final class CallsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CallsServlet.class);
    static final Set<String> DTMF_FIELDS = Set.of("leg", "digits", "durationMs");
    static final int DEFAULT_DTMF_MILLIS = 100;
    static final int DEFAULT_RECORDS = 20;
    static final int MAX_RECORDS = 1000;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile CallService calls;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile CallRecords records;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile MediaService media;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        try {
            if ("/call-records".equals(req.getServletPath())) {
                records(req, res);
            } else {
                calls(req, res);
            }
        } catch (ApiError e) {
            JsonResponses.error(res, e);
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", req.getMethod(), req.getRequestURI(), e);
            JsonResponses.error(res, 500, "internal_error", "the request failed on the server; see the node log");
        }
    }

    // --- /calls ---------------------------------------------------------------------------------------------------------

    private void calls(HttpServletRequest req, HttpServletResponse res) throws ApiError, IOException {
        String[] segments = segments(req);
        String method = req.getMethod();
        if (segments.length == 0) {
            requireMethod(res, method, "GET");
            JsonArray list = new JsonArray();
            for (CallInfo c : callService().calls()) {
                list.add(json(c, Map.of()));
            }
            JsonObject body = new JsonObject();
            body.add("calls", list);
            JsonResponses.write(res, 200, body);
        } else if (segments.length == 1) {
            requireMethod(res, method, "GET");
            CallInfo c = call(segments[0]);
            MediaService m = media;
            Map<String, MediaStats> stats = m == null ? Map.of() : m.stats(c.id()).stream()
                    .collect(Collectors.toMap(MediaStats::legId, Function.identity(), (a, b) -> a));
            JsonResponses.write(res, 200, json(c, stats));
        } else if (segments.length == 2 && segments[1].equals("dtmf")) {
            requireMethod(res, method, "POST");
            dtmf(req, res, call(segments[0]));
        } else {
            throw ApiError.notFound("no resource at " + req.getRequestURI());
        }
    }

    private void dtmf(HttpServletRequest req, HttpServletResponse res, CallInfo call) throws ApiError, IOException {
        JsonObject body = JsonBodies.readObject(req, DTMF_FIELDS);
        String leg = JsonBodies.requiredString(body, "leg").strip();
        String digits = JsonBodies.requiredString(body, "digits").strip();
        int millis = integer(body, "durationMs", DEFAULT_DTMF_MILLIS);
        String legId = legId(call, leg);
        if (legId == null) {
            throw ApiError.notFound("call " + call.id() + " has no leg '" + leg
                    + "' (a leg id from GET /calls/{id}, caller, or callee once answered)");
        }
        MediaService m = media;
        if (m == null) {
            throw new ApiError(503, "unavailable", "the media engine is not available; check pb:status");
        }
        boolean sent;
        try {
            sent = m.sendDtmf(call.id(), legId, digits, millis);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "invalid_argument", e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiError(409, "conflict", e.getMessage());
        } catch (UnsupportedOperationException e) {
            throw new ApiError(501, "not_implemented", e.getMessage());
        }
        if (!sent) {
            throw new ApiError(409, "conflict", "the media engine anchors no leg " + legId + " of call " + call.id()
                    + " (anchoring off, or the leg has no media)");
        }
        JsonObject o = new JsonObject();
        o.addProperty("call", call.id());
        o.addProperty("leg", legId);
        o.addProperty("digits", digits);
        o.addProperty("durationMs", millis);
        JsonResponses.write(res, 202, o);
    }

    /** A leg id of the call: as given, or {@code caller}, or {@code callee} (the answered callee leg). */
    static String legId(CallInfo call, String leg) {
        List<CallInfo.LegInfo> legs = call.legs();
        if (leg.equals("caller")) {
            return legs.isEmpty() ? null : legs.get(0).id();
        }
        if (leg.equals("callee")) {
            return legs.stream().skip(1).filter(l -> l.state().equals("answered")).map(CallInfo.LegInfo::id)
                    .findFirst().orElse(null);
        }
        return legs.stream().map(CallInfo.LegInfo::id).filter(leg::equals).findFirst().orElse(null);
    }

    private CallInfo call(String id) throws ApiError {
        return callService().call(id).orElseThrow(() -> ApiError.notFound("no live call " + id));
    }

    private CallService callService() throws ApiError {
        CallService s = calls;
        if (s == null) {
            throw new ApiError(503, "unavailable", "the call service is not available (org.patchbay.core); check pb:status");
        }
        return s;
    }

    static JsonObject json(CallInfo c, Map<String, MediaStats> stats) {
        JsonObject o = new JsonObject();
        o.addProperty("id", c.id());
        o.addProperty("caller", c.caller().label());
        o.addProperty("callee", c.callee().label());
        o.addProperty("state", c.state());
        o.addProperty("started", c.started().toString());
        o.add("answered", c.answered() == null ? null : new JsonPrimitive(c.answered().toString()));
        JsonArray legs = new JsonArray();
        for (CallInfo.LegInfo l : c.legs()) {
            JsonObject leg = new JsonObject();
            leg.addProperty("id", l.id());
            leg.addProperty("adapter", l.adapter());
            leg.addProperty("party", l.party().label());
            leg.addProperty("state", l.state());
            MediaStats m = stats.get(l.id());
            if (m != null) {
                leg.add("media", json(m));
            }
            legs.add(leg);
        }
        o.add("legs", legs);
        return o;
    }

    static JsonObject json(MediaStats m) {
        JsonObject o = new JsonObject();
        o.addProperty("local", m.local());
        o.addProperty("remote", m.remote());
        o.addProperty("latched", m.latched());
        o.addProperty("direction", m.direction());
        o.addProperty("codec", m.codec());
        o.addProperty("srtp", m.srtp());
        o.addProperty("packetsIn", m.packetsIn());
        o.addProperty("bytesIn", m.bytesIn());
        o.addProperty("packetsOut", m.packetsOut());
        o.addProperty("bytesOut", m.bytesOut());
        o.addProperty("lost", m.lostIn());
        o.addProperty("jitterMs", m.jitterInMs());
        o.addProperty("reportedLost", m.reportedLost());
        o.addProperty("reportedJitterMs", m.reportedJitterMs());
        o.addProperty("rttMs", m.rttMs());
        o.addProperty("droppedIn", m.droppedIn());
        return o;
    }

    // --- /call-records ---------------------------------------------------------------------------------------------

    private void records(HttpServletRequest req, HttpServletResponse res) throws ApiError, IOException {
        requireMethod(res, req.getMethod(), "GET");
        CallRecords r = records;
        if (r == null) {
            throw new ApiError(503, "unavailable", "call records are not available (org.patchbay.core); check pb:status");
        }
        String[] segments = segments(req);
        try {
            if (segments.length == 0) {
                int limit = limit(req.getParameter("limit"));
                JsonArray list = new JsonArray();
                r.recent(limit).forEach(c -> list.add(json(c)));
                JsonObject body = new JsonObject();
                body.add("records", list);
                body.addProperty("total", r.count());
                JsonResponses.write(res, 200, body);
            } else if (segments.length == 1) {
                CallRecord c = r.find(segments[0]).orElseThrow(() -> ApiError.notFound("no call record " + segments[0]));
                JsonResponses.write(res, 200, json(c));
            } else {
                throw ApiError.notFound("no resource at " + req.getRequestURI());
            }
        } catch (IllegalStateException e) {
            throw new ApiError(503, "unavailable", e.getMessage());
        }
    }

    private static int limit(String text) throws ApiError {
        if (text == null) {
            return DEFAULT_RECORDS;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1 && n <= MAX_RECORDS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badRequest("invalid_argument", "limit must be 1.." + MAX_RECORDS + ", got '"
                + JsonResponses.oneLine(text) + "'");
    }

    static JsonObject json(CallRecord r) {
        JsonObject o = new JsonObject();
        o.addProperty("id", r.id());
        o.addProperty("caller", r.caller());
        o.addProperty("callee", r.callee());
        o.addProperty("started", r.started().toString());
        o.add("answered", r.answered() == null ? null : new JsonPrimitive(r.answered().toString()));
        o.addProperty("ended", r.ended().toString());
        o.addProperty("durationMs", r.duration().toMillis());
        o.addProperty("endReason", r.endReason());
        o.addProperty("endedBy", r.endedBy());
        o.addProperty("code", r.code());
        JsonArray legs = new JsonArray();
        for (CallRecord.LegRecord l : r.legs()) {
            JsonObject leg = new JsonObject();
            leg.addProperty("id", l.id());
            leg.addProperty("adapter", l.adapter());
            leg.addProperty("party", l.party());
            leg.addProperty("role", l.role());
            leg.addProperty("outcome", l.outcome());
            leg.add("media", l.media() == null ? null : json(l.media()));
            legs.add(leg);
        }
        o.add("legs", legs);
        return o;
    }

    static JsonElement json(CallRecord.LegMedia m) {
        JsonObject o = new JsonObject();
        o.addProperty("codec", m.codec());
        o.addProperty("srtp", m.srtp());
        o.addProperty("packetsIn", m.packetsIn());
        o.addProperty("bytesIn", m.bytesIn());
        o.addProperty("packetsOut", m.packetsOut());
        o.addProperty("bytesOut", m.bytesOut());
        o.addProperty("lost", m.lost());
        o.addProperty("jitterMs", m.jitterMs());
        o.addProperty("rttMs", m.rttMs());
        return o;
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private static String[] segments(HttpServletRequest req) {
        String path = req.getPathInfo();
        if (path == null || path.equals("/")) {
            return new String[0];
        }
        return path.substring(1).split("/", -1);
    }

    private static int integer(JsonObject o, String field, int otherwise) throws ApiError {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return otherwise;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double d = e.getAsDouble();
            if (d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw ApiError.badRequest("invalid_field", "field '" + field + "' must be an integer");
    }

    private static void requireMethod(HttpServletResponse res, String method, String allowed) throws ApiError {
        if (!method.equals(allowed)) {
            res.setHeader("Allow", allowed);
            throw ApiError.methodNotAllowed(method, allowed);
        }
    }
}
