package org.patchbay.http.internal.rest;

import java.io.IOException;
import java.util.Set;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

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
import org.patchbay.api.identity.Directory;
import org.patchbay.api.identity.DirectoryException;
import org.patchbay.api.identity.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/users}: list, show, create and delete users and set passwords, with the rules of
 * {@link Aor} and of the {@link Directory} implementation (the same ones the shell applies).
 *
 * <pre>
 * GET    /users[?filter=x]           200 {"users": [user…]}
 * POST   /users                      201 user, Location   body {"user", "password", "displayName"?}
 * GET    /users/{user@domain}        200 user
 * DELETE /users/{user@domain}        204
 * PUT    /users/{user@domain}/password  204              body {"password"}
 * </pre>
 *
 * The directory is optional: without it every request answers 503 instead of the path vanishing.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect("(" + "osgi.http.whiteboard.context.name=" + HttpContexts.ADMIN_API + ")")
@HttpWhiteboardServletPattern({"/users", "/users/*"})
@HttpWhiteboardServletName("patchbay-users")
public final class UsersServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(UsersServlet.class);
    static final Set<String> CREATE_FIELDS = Set.of("user", "password", "displayName");
    static final Set<String> PASSWORD_FIELDS = Set.of("password");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile Directory directory;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        try {
            route(req, res);
        } catch (ApiError e) {
            JsonResponses.error(res, e);
        } catch (DirectoryException e) {
            JsonResponses.error(res, ApiError.from(e));
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", req.getMethod(), req.getRequestURI(), e);
            JsonResponses.error(res, 500, "internal_error", "the request failed on the server; see the node log");
        }
    }

    private void route(HttpServletRequest req, HttpServletResponse res) throws ApiError, IOException {
        String path = req.getPathInfo();
        String method = req.getMethod();
        if (path == null || path.equals("/")) {
            switch (method) {
                case "GET" -> list(req, res);
                case "POST" -> create(req, res);
                default -> throw notAllowed(res, method, "GET, POST");
            }
            return;
        }
        String[] segments = path.substring(1).split("/", -1);
        if (segments.length == 1) {
            switch (method) {
                case "GET" -> show(res, aor(segments[0]));
                case "DELETE" -> delete(res, aor(segments[0]));
                default -> throw notAllowed(res, method, "GET, DELETE");
            }
        } else if (segments.length == 2 && segments[1].equals("password")) {
            if (!method.equals("PUT")) {
                throw notAllowed(res, method, "PUT");
            }
            setPassword(req, res, aor(segments[0]));
        } else {
            throw ApiError.notFound("no resource at " + req.getRequestURI());
        }
    }

    private void list(HttpServletRequest req, HttpServletResponse res) throws ApiError, IOException {
        JsonArray users = new JsonArray();
        for (User u : directory().list(req.getParameter("filter"))) {
            users.add(json(u));
        }
        JsonObject body = new JsonObject();
        body.add("users", users);
        JsonResponses.write(res, 200, body);
    }

    private void create(HttpServletRequest req, HttpServletResponse res) throws ApiError, IOException {
        JsonObject body = JsonBodies.readObject(req, CREATE_FIELDS);
        Aor aor = aor(JsonBodies.requiredString(body, "user"));
        String password = JsonBodies.requiredString(body, "password");
        String displayName = JsonBodies.optionalString(body, "displayName");
        User created = directory().create(aor, password, displayName);
        res.setHeader("Location", req.getContextPath() + req.getServletPath() + "/" + created.aor());
        JsonResponses.write(res, 201, json(created));
    }

    private void show(HttpServletResponse res, Aor aor) throws ApiError, IOException {
        User u = directory().find(aor).orElseThrow(() -> ApiError.notFound("no user " + aor));
        JsonResponses.write(res, 200, json(u));
    }

    private void delete(HttpServletResponse res, Aor aor) throws ApiError {
        directory().delete(aor);
        noContent(res);
    }

    private void setPassword(HttpServletRequest req, HttpServletResponse res, Aor aor) throws ApiError, IOException {
        JsonObject body = JsonBodies.readObject(req, PASSWORD_FIELDS);
        String password = JsonBodies.requiredString(body, "password");
        directory().setPassword(aor, password);
        noContent(res);
    }

    private Directory directory() throws ApiError {
        Directory d = directory;
        if (d == null) {
            throw new ApiError(503, "unavailable", "the user directory is not available; check pb:status");
        }
        return d;
    }

    private static Aor aor(String text) throws ApiError {
        try {
            return Aor.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidArgument(e);
        }
    }

    static JsonObject json(User u) {
        JsonObject o = new JsonObject();
        o.addProperty("user", u.aor().toString());
        o.addProperty("displayName", u.displayName());
        o.addProperty("created", u.created().toString());
        return o;
    }

    private static void noContent(HttpServletResponse res) {
        res.setStatus(HttpServletResponse.SC_NO_CONTENT);
        res.setHeader("Cache-Control", "no-store");
    }

    private static ApiError notAllowed(HttpServletResponse res, String method, String allowed) {
        res.setHeader("Allow", allowed);
        return ApiError.methodNotAllowed(method, allowed);
    }
}
