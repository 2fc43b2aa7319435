package org.patchbay.presence.internal.rest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
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
import org.patchbay.api.presence.PresenceService;
import org.patchbay.api.presence.PresenceState;
import org.patchbay.api.presence.Publication;
import org.patchbay.api.store.Database;
import org.patchbay.presence.internal.core.PresenceStore;
import org.patchbay.presence.internal.core.PresenceStore.SubscriptionRow;

/**
 * Read access to presence in the admin API (Bearer token, checked by the context):
 *
 * <pre>
 * GET /api/v1/presence                     200 {"presence": [state…]}
 * GET /api/v1/presence/{user@domain}       200 state with "publications": [{"etag", state…}]
 * GET /api/v1/presence-subscriptions       200 {"subscriptions": […]}
 * </pre>
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect("(" + "osgi.http.whiteboard.context.name=" + HttpContexts.ADMIN_API + ")")
@HttpWhiteboardServletPattern({"/presence", "/presence/*", "/presence-subscriptions"})
@HttpWhiteboardServletName("patchbay-presence")
public final class PresenceServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile PresenceService presence;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile Database database;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (!req.getMethod().equals("GET")) {
            res.setHeader("Allow", "GET");
            error(res, 405, "method_not_allowed", req.getMethod() + " is not allowed here: use GET");
            return;
        }
        PresenceService p = presence;
        if (p == null) {
            error(res, 503, "unavailable", "the presence service is not active");
            return;
        }
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (path.equals("/presence-subscriptions")) {
            subscriptions(res);
            return;
        }
        String rest = req.getPathInfo() == null ? "" : req.getPathInfo().replaceFirst("^/", "");
        if (rest.isEmpty()) {
            JsonArray all = new JsonArray();
            p.all().forEach(s -> all.add(json(s)));
            JsonObject o = new JsonObject();
            o.add("presence", all);
            write(res, 200, o);
            return;
        }
        Aor aor;
        try {
            aor = Aor.parse(rest);
        } catch (IllegalArgumentException e) {
            error(res, 400, "invalid_user", e.getMessage());
            return;
        }
        JsonObject o = json(p.presence(aor));
        JsonArray pubs = new JsonArray();
        for (Publication pub : p.publications(aor)) {
            JsonObject j = json(pub.state());
            j.addProperty("etag", pub.id());
            pubs.add(j);
        }
        o.add("publications", pubs);
        write(res, 200, o);
    }

    private void subscriptions(HttpServletResponse res) throws IOException {
        Database db = database;
        if (db == null) {
            error(res, 503, "unavailable", "the store is not active");
            return;
        }
        JsonArray subs = new JsonArray();
        try {
            for (SubscriptionRow r : new PresenceStore(db.dataSource()).subscriptions()) {
                JsonObject j = new JsonObject();
                j.addProperty("event", r.event());
                j.addProperty("watcher", r.watcher());
                j.addProperty("target", r.target());
                j.addProperty("transport", r.transport());
                j.addProperty("source", r.source());
                j.addProperty("expires", r.expires().toString());
                subs.add(j);
            }
        } catch (SQLException e) {
            error(res, 503, "store_failed", "cannot read subscriptions: " + e.getMessage());
            return;
        }
        JsonObject o = new JsonObject();
        o.add("subscriptions", subs);
        write(res, 200, o);
    }

    static JsonObject json(PresenceState s) {
        JsonObject o = new JsonObject();
        o.addProperty("user", s.aor().toString());
        o.addProperty("basic", s.basic().pidf());
        o.addProperty("status", s.status());
        JsonArray acts = new JsonArray();
        s.activities().forEach(acts::add);
        o.add("activities", acts);
        o.addProperty("note", s.note());
        o.addProperty("source", s.source());
        o.addProperty("updated", s.updated().toString());
        o.addProperty("expires", s.expires() == null ? null : s.expires().toString());
        return o;
    }

    private static void error(HttpServletResponse res, int status, String code, String detail) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("error", code);
        o.addProperty("detail", detail == null ? "" : detail.replaceAll("\\p{Cntrl}+", " "));
        write(res, status, o);
    }

    private static void write(HttpServletResponse res, int status, JsonElement body) throws IOException {
        byte[] bytes = GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/json; charset=utf-8");
        res.setHeader("Cache-Control", "no-store");
        res.setContentLength(bytes.length);
        res.getOutputStream().write(bytes);
    }
}
