package org.patchbay.exotel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/exotel} behind the admin token:
 *
 * <pre>
 * GET    /exotel/accounts                          200 {"accounts": [{"sid","name","apiKey","created"}]}
 * POST   /exotel/accounts {"sid","name"?,"apiKey","apiToken"?}   201 the account with "apiToken" (shown once)
 * DELETE /exotel/accounts/{sid}                    204
 * GET    /exotel/accounts/{sid}/users              200 {"users": ["user@domain", …]}
 * POST   /exotel/accounts/{sid}/users {"user","password"?,"displayName"?}   201
 * DELETE /exotel/accounts/{sid}/users/{user}       204
 * GET    /exotel/calls[?limit=n]                   200 {"calls": [call resource, …]} newest first
 * GET    /exotel/calls/{CallSid}                   200 call resource
 * </pre>
 */
final class AdminServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AdminServlet.class);
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final int MAX_BODY = 65_536;

    private final transient Exotel exotel;

    AdminServlet(Exotel exotel) {
        this.exotel = exotel;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        String[] p = path.isEmpty() || path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
        String method = req.getMethod();
        try {
            if (p.length >= 1 && p[0].equals("accounts")) {
                accounts(req, resp, method, p);
            } else if (p.length >= 1 && p[0].equals("calls")) {
                calls(req, resp, method, p);
            } else {
                throw new ApiError(404, "no such resource; see /exotel/accounts and /exotel/calls");
            }
        } catch (ApiError e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", e.status == 404 ? "not-found" : e.status == 409 ? "conflict" : e.status == 405
                    ? "method-not-allowed" : e.status >= 500 ? "unavailable" : "bad-request");
            m.put("detail", e.getMessage());
            if (e.status < 500) {
                LOG.info("exotel admin: {} {} refused: {}", method, Exotel.printable(path), e.getMessage());
            }
            json(resp, e.status, m);
        } catch (RuntimeException e) {
            LOG.error("exotel admin: {} {} failed: {}", method, Exotel.printable(path), e.toString());
            json(resp, 503, Map.of("error", "unavailable", "detail", "internal error"));
        }
    }

    private void accounts(HttpServletRequest req, HttpServletResponse resp, String method, String[] p)
            throws ApiError, IOException {
        if (p.length == 1) {
            if (method.equals("GET")) {
                List<Object> list = new ArrayList<>();
                for (Account a : exotel.accounts()) {
                    list.add(account(a));
                }
                json(resp, 200, Map.of("accounts", list));
            } else if (method.equals("POST")) {
                JsonObject b = body(req);
                String sid = string(b, "sid");
                String key = string(b, "apiKey");
                String token = exotel.addAccount(sid, string(b, "name"), key, string(b, "apiToken"));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("sid", sid);
                m.put("apiKey", key);
                m.put("apiToken", token);
                json(resp, 201, m);
            } else {
                throw new ApiError(405, "use GET or POST");
            }
        } else if (p.length == 2) {
            if (!method.equals("DELETE")) {
                throw new ApiError(405, "use DELETE");
            }
            if (!exotel.removeAccount(p[1])) {
                throw new ApiError(404, "no account " + Exotel.printable(p[1]));
            }
            resp.setStatus(204);
        } else if (p.length >= 3 && p[2].equals("users")) {
            users(req, resp, method, p);
        } else {
            throw new ApiError(404, "no such resource");
        }
    }

    private void users(HttpServletRequest req, HttpServletResponse resp, String method, String[] p)
            throws ApiError, IOException {
        String sid = p[1];
        if (p.length == 3 && method.equals("GET")) {
            if (exotel.accounts().stream().noneMatch(a -> a.sid().equals(sid))) {
                throw new ApiError(404, "no account " + Exotel.printable(sid));
            }
            List<String> users = exotel.users(sid).stream().map(u -> u[0]).toList();
            json(resp, 200, Map.of("users", users));
        } else if (p.length == 3 && method.equals("POST")) {
            JsonObject b = body(req);
            String user = string(b, "user");
            if (user == null) {
                throw new ApiError(400, "user is required");
            }
            exotel.addUser(sid, user, string(b, "password"), string(b, "displayName"));
            json(resp, 201, Map.of("account", sid, "user", user));
        } else if (p.length == 4 && method.equals("DELETE")) {
            if (!exotel.removeUser(sid, p[3])) {
                throw new ApiError(404, "no user " + Exotel.printable(p[3]) + " in account " + Exotel.printable(sid));
            }
            resp.setStatus(204);
        } else {
            throw new ApiError(405, "use GET/POST on users, DELETE on users/{user}");
        }
    }

    private void calls(HttpServletRequest req, HttpServletResponse resp, String method, String[] p)
            throws ApiError, IOException {
        if (!method.equals("GET")) {
            throw new ApiError(405, "use GET");
        }
        String apiPath = exotel.settings().apiPath();
        if (p.length == 1) {
            int limit = 50;
            String l = req.getParameter("limit");
            if (l != null) {
                try {
                    limit = Integer.parseInt(l);
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1 || limit > 1000) {
                    throw new ApiError(400, "limit must be 1 to 1000");
                }
            }
            List<Object> list = new ArrayList<>();
            for (CallResource c : exotel.recent(limit)) {
                list.add(Render.fields(c, apiPath));
            }
            json(resp, 200, Map.of("calls", list));
        } else if (p.length == 2) {
            Optional<CallResource> c = exotel.call(p[1]);
            if (c.isEmpty()) {
                throw new ApiError(404, "no call " + Exotel.printable(p[1]));
            }
            json(resp, 200, Render.fields(c.get(), apiPath));
        } else {
            throw new ApiError(404, "no such resource");
        }
    }

    private static Map<String, Object> account(Account a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sid", a.sid());
        m.put("name", a.name());
        m.put("apiKey", a.apiKey());
        m.put("created", a.created().toString());
        return m;
    }

    private static JsonObject body(HttpServletRequest req) throws ApiError, IOException {
        try (InputStream in = req.getInputStream()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new ApiError(400, "body larger than " + MAX_BODY + " bytes");
            }
            JsonElement e = JsonParser.parseString(new String(b, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new ApiError(400, "body must be a JSON object");
            }
            return e.getAsJsonObject();
        } catch (RuntimeException e) {
            throw new ApiError(400, "body is not JSON: " + e.getMessage());
        }
    }

    private static String string(JsonObject o, String name) throws ApiError {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new ApiError(400, name + " must be a string");
        }
        return e.getAsString();
    }

    private static void json(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json;charset=utf-8");
        byte[] b = GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }
}
