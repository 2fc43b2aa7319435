package org.patchbay.messaging.internal.rest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

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
import org.patchbay.api.http.HttpContexts;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.messaging.Delivery;
import org.patchbay.api.messaging.Message;
import org.patchbay.api.messaging.MessageService;
import org.patchbay.api.messaging.MessagingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/messages} behind the admin token: conversation history with paging, the offline queue, one message, and
 * sending a message as a user (system notices, tests).
 *
 * <pre>
 * GET  /messages?user=a&amp;peer=b[&amp;before=id][&amp;limit=n]  200 {"messages": [...], "next": id|null}   conversation
 * GET  /messages[?user=a][&amp;before=id][&amp;limit=n]          200 the same shape                      newest messages
 * GET  /messages/queue[?user=a]                          200 {"messages": [...]}                 offline queue
 * GET  /messages/{id}                                    200 message
 * POST /messages {"from","to","contentType"?,"body","encoding"?}  202 message (encoding "base64" for binary bodies)
 * </pre>
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect("(" + "osgi.http.whiteboard.context.name=" + HttpContexts.ADMIN_API + ")")
@HttpWhiteboardServletPattern({"/messages", "/messages/*"})
@HttpWhiteboardServletName("patchbay-messages")
public final class MessagesServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MessagesServlet.class);
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final Set<String> SEND_FIELDS = Set.of("from", "to", "contentType", "body", "encoding");
    private static final int MAX_REQUEST = 2 * 1_048_576;
    private static final int DEFAULT_LIMIT = 50;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile MessageService service;

    /** A refusal with its HTTP status and error code. */
    static final class ApiError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        ApiError(int status, String code, String detail) {
            super(detail, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        try {
            route(req, res);
        } catch (ApiError e) {
            error(res, e.status, e.code, e.getMessage());
        } catch (MessagingException e) {
            if (e.reason() == MessagingException.Reason.RATE_LIMITED) {
                res.setHeader("Retry-After", Integer.toString(Math.max(1, e.retryAfterSeconds())));
            }
            error(res, status(e), e.reason().name().toLowerCase(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", req.getMethod(), req.getRequestURI(), e);
            error(res, 500, "internal_error", "the request failed on the server; see the node log");
        }
    }

    private void route(HttpServletRequest req, HttpServletResponse res) throws ApiError, IOException {
        String path = req.getPathInfo();
        String method = req.getMethod();
        if (path == null || path.equals("/")) {
            switch (method) {
                case "GET" -> list(req, res);
                case "POST" -> send(req, res);
                default -> throw notAllowed(res, method, "GET, POST");
            }
            return;
        }
        if (!method.equals("GET")) {
            throw notAllowed(res, method, "GET");
        }
        String rest = path.substring(1);
        if (rest.equals("queue")) {
            String user = req.getParameter("user");
            List<Message> queued = service().queued(user == null || user.isBlank() ? null : aor(user, "user"),
                    limit(req, 500));
            write(res, 200, page(queued, false));
        } else if (rest.matches("\\d{1,18}")) {
            Message m = service().find(Long.parseLong(rest))
                    .orElseThrow(() -> new ApiError(404, "not_found", "no message " + rest));
            write(res, 200, json(m));
        } else {
            throw new ApiError(404, "not_found", "no resource at " + req.getRequestURI());
        }
    }

    private void list(HttpServletRequest req, HttpServletResponse res) throws ApiError, IOException {
        String user = req.getParameter("user");
        String peer = req.getParameter("peer");
        long before = longParam(req, "before");
        int limit = limit(req, DEFAULT_LIMIT);
        List<Message> page;
        if (peer != null && !peer.isBlank()) {
            if (user == null || user.isBlank()) {
                throw new ApiError(400, "missing_field", "peer needs user: /messages?user=a@example.com&peer=b@example.com");
            }
            page = service().history(aor(user, "user"), aor(peer, "peer"), before, limit);
        } else {
            page = service().recent(user == null || user.isBlank() ? null : aor(user, "user"), before, limit);
        }
        write(res, 200, page(page, page.size() == limit));
    }

    private void send(HttpServletRequest req, HttpServletResponse res) throws ApiError, IOException {
        JsonObject body = readObject(req);
        Aor from = aor(string(body, "from", true), "from");
        Aor to = aor(string(body, "to", true), "to");
        String type = string(body, "contentType", false);
        String text = string(body, "body", true);
        String encoding = string(body, "encoding", false);
        byte[] bytes;
        if (encoding == null || encoding.equalsIgnoreCase("utf-8")) {
            bytes = text.getBytes(StandardCharsets.UTF_8);
        } else if (encoding.equalsIgnoreCase("base64")) {
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "invalid_field", "body is not base64: " + e.getMessage());
            }
        } else {
            throw new ApiError(400, "invalid_field", "encoding must be utf-8 or base64, not " + encoding);
        }
        Message m = service().submit(from, to, type == null ? "text/plain;charset=UTF-8" : type, bytes);
        if (m.id() > 0) {
            res.setHeader("Location", req.getContextPath() + req.getServletPath() + "/" + m.id());
        }
        write(res, 202, json(m));
    }

    private MessageService service() throws ApiError {
        MessageService s = service;
        if (s == null) {
            throw new ApiError(503, "unavailable", "messaging is not available; check pb:status");
        }
        return s;
    }

    static JsonObject page(List<Message> messages, boolean more) {
        JsonArray list = new JsonArray();
        messages.forEach(m -> list.add(json(m)));
        JsonObject o = new JsonObject();
        o.add("messages", list);
        if (more && !messages.isEmpty()) {
            o.addProperty("next", messages.get(messages.size() - 1).id());
        } else {
            o.add("next", null);
        }
        return o;
    }

    static JsonObject json(Message m) {
        JsonObject o = new JsonObject();
        o.addProperty("id", m.id());
        o.addProperty("from", m.from().toString());
        o.addProperty("to", m.to().toString());
        o.addProperty("contentType", m.contentType());
        boolean text = m.contentType().toLowerCase().startsWith("text/") || m.contentType().toLowerCase().startsWith("message/")
                || m.contentType().toLowerCase().contains("xml") || m.contentType().toLowerCase().contains("json");
        o.addProperty("encoding", text ? "utf-8" : "base64");
        o.addProperty("body", text ? m.text() : Base64.getEncoder().encodeToString(m.body()));
        o.addProperty("created", m.created().toString());
        o.addProperty("status", m.status().name());
        o.addProperty("imdnId", m.imdnId());
        JsonArray notify = new JsonArray();
        m.dispositions().forEach(notify::add);
        o.add("notify", notify);
        JsonArray deliveries = new JsonArray();
        for (Delivery d : m.deliveries()) {
            JsonObject j = new JsonObject();
            j.addProperty("device", d.device());
            j.addProperty("adapter", d.adapter());
            j.addProperty("status", d.status().name());
            j.addProperty("attempts", d.attempts());
            j.addProperty("code", d.code());
            j.addProperty("updated", d.updated().toString());
            deliveries.add(j);
        }
        o.add("deliveries", deliveries);
        return o;
    }

    private static int status(MessagingException e) {
        return switch (e.reason()) {
            case NOT_FOUND -> 404;
            case TOO_LARGE -> 413;
            case UNSUPPORTED_TYPE -> 415;
            case RATE_LIMITED -> 429;
            case OFFLINE -> 409;
            case INVALID -> 400;
            case UNAVAILABLE -> 503;
        };
    }

    private static JsonObject readObject(HttpServletRequest req) throws ApiError, IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            throw new ApiError(415, "unsupported_media_type", "send Content-Type: application/json");
        }
        byte[] bytes;
        try (InputStream in = req.getInputStream()) {
            bytes = in.readNBytes(MAX_REQUEST + 1);
        }
        if (bytes.length > MAX_REQUEST) {
            throw new ApiError(413, "payload_too_large", "request body over " + MAX_REQUEST + " bytes");
        }
        JsonElement e;
        try {
            e = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonParseException ex) {
            throw new ApiError(400, "malformed_json", "the body is not JSON");
        }
        if (!e.isJsonObject()) {
            throw new ApiError(400, "malformed_json", "expected a JSON object");
        }
        JsonObject o = e.getAsJsonObject();
        for (String key : o.keySet()) {
            if (!SEND_FIELDS.contains(key)) {
                throw new ApiError(400, "unknown_field", "unknown field '" + key + "'; expected " + SEND_FIELDS);
            }
        }
        return o;
    }

    private static String string(JsonObject o, String name, boolean required) throws ApiError {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            if (required) {
                throw new ApiError(400, "missing_field", "missing field '" + name + "'");
            }
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new ApiError(400, "invalid_field", "field '" + name + "' must be a string");
        }
        return e.getAsString();
    }

    private static Aor aor(String text, String field) throws ApiError {
        try {
            return Aor.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "invalid_argument", field + ": " + e.getMessage());
        }
    }

    private static long longParam(HttpServletRequest req, String name) throws ApiError {
        String v = req.getParameter(name);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new ApiError(400, "invalid_argument", name + " must be a message id, got '" + v + "'");
        }
    }

    private static int limit(HttpServletRequest req, int fallback) throws ApiError {
        long v = longParam(req, "limit");
        if (v == 0) {
            return fallback;
        }
        if (v < 1 || v > 500) {
            throw new ApiError(400, "invalid_argument", "limit must be 1..500, got " + v);
        }
        return (int) v;
    }

    private static ApiError notAllowed(HttpServletResponse res, String method, String allowed) {
        res.setHeader("Allow", allowed);
        return new ApiError(405, "method_not_allowed", method + " is not allowed here; use " + allowed);
    }

    private static void write(HttpServletResponse res, int status, JsonElement body) throws IOException {
        byte[] bytes = GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/json; charset=utf-8");
        res.setHeader("Cache-Control", "no-store");
        res.setContentLength(bytes.length);
        res.getOutputStream().write(bytes);
    }

    private static void error(HttpServletResponse res, int status, String code, String detail) throws IOException {
        if (res.isCommitted()) {
            return;
        }
        res.resetBuffer();
        JsonObject o = new JsonObject();
        o.addProperty("error", code);
        o.addProperty("detail", detail == null ? "" : detail.replaceAll("\\p{Cntrl}+", " ").strip());
        write(res, status, o);
    }
}
