package org.patchbay.media.internal.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

import com.google.gson.JsonObject;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST|DELETE {path}/sessions} of the bench hook (see {@link BenchSessions}). No admin token: it answers only
 * requests from a loopback address, and it exists only while {@code org.patchbay.media.bench} says {@code enabled=true}.
 */
final class BenchServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BenchServlet.class);
    private static final int MAX_BODY = 16 * 1_048_576;

    private final transient BenchSessions sessions;

    BenchServlet(BenchSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        handle(req, resp, true);
    }

    @Override
    protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        handle(req, resp, false);
    }

    private void handle(HttpServletRequest req, HttpServletResponse resp, boolean create) throws IOException {
        if (!loopback(req.getRemoteAddr())) {
            LOG.warn("media bench hook: refused {} from {} (loopback only)", req.getMethod(), req.getRemoteAddr());
            reply(resp, 403, error("the bench hook answers loopback clients only"));
            return;
        }
        String path = req.getPathInfo();
        if (path == null || !path.replaceAll("/+$", "").equals("/sessions")) {
            reply(resp, 404, error("not found: use " + req.getServletPath() + "/sessions"));
            return;
        }
        byte[] body = req.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            reply(resp, 413, error("body larger than " + MAX_BODY + " bytes"));
            return;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            reply(resp, 200, create ? sessions.create(text) : sessions.delete(text));
        } catch (BenchSessions.BenchException e) {
            LOG.warn("media bench hook: {} refused ({}): {}", req.getMethod(), e.status(), e.getMessage());
            reply(resp, e.status(), error(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("media bench hook: {} failed: {}", req.getMethod(), e.toString());
            reply(resp, 500, error(e.toString()));
        }
    }

    static boolean loopback(String addr) {
        try {
            return addr != null && InetAddress.getByName(addr).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static JsonObject error(String message) {
        JsonObject o = new JsonObject();
        o.addProperty("error", message);
        return o;
    }

    private static void reply(HttpServletResponse resp, int status, JsonObject body) throws IOException {
        byte[] data = body.toString().getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setContentLength(data.length);
        resp.getOutputStream().write(data);
    }
}
