package org.patchbay.http.internal.rest;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

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
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.patchbay.api.health.HealthReport;
import org.patchbay.api.health.HealthResult;
import org.patchbay.api.health.HealthService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health} in the default context, without authentication, for load balancers and
 * monitoring: 200 when the node is healthy, 503 otherwise, the same JSON body either way.
 */
// immediate: if Felix HTTP's getService activated it, the health service and every health check component would be
// activated inside Felix's servlet registration, and a servlet one of them registers there is lost (see PublicContext)
@Component(service = Servlet.class, immediate = true)
@HttpWhiteboardServletPattern("/health")
@HttpWhiteboardServletName("patchbay-health")
public final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(HealthServlet.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile HealthService health;

    private final transient Clock clock = Clock.systemUTC();

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String method = req.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            res.setHeader("Allow", "GET, HEAD");
            JsonResponses.error(res, ApiError.methodNotAllowed(method, "GET"));
            return;
        }
        HealthReport report = report();
        int status = report.healthy() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE;
        if (method.equals("HEAD")) {
            res.setStatus(status);
            res.setHeader("Cache-Control", "no-store");
            res.setContentType(JsonResponses.CONTENT_TYPE);
            return;
        }
        JsonResponses.write(res, status, json(report));
    }

    private HealthReport report() {
        HealthService h = health;
        if (h == null) {
            return down("the health service is not available (org.patchbay.core not active)");
        }
        try {
            return h.report();
        } catch (RuntimeException e) {
            LOG.warn("Health report failed: {}", e.toString());
            return down("the health report failed: " + e.getClass().getSimpleName());
        }
    }

    private HealthReport down(String detail) {
        return new HealthReport(false, Instant.now(clock), List.of(HealthResult.down("health", detail)));
    }

    static JsonObject json(HealthReport report) {
        JsonArray checks = new JsonArray();
        for (HealthResult r : report.checks()) {
            JsonObject c = new JsonObject();
            c.addProperty("name", r.name());
            c.addProperty("healthy", r.healthy());
            if (r.degraded()) {
                c.addProperty("degraded", true);
            }
            c.addProperty("detail", r.detail());
            checks.add(c);
        }
        JsonObject o = new JsonObject();
        o.addProperty("status", report.healthy() ? "UP" : "DOWN");
        o.add("checks", checks);
        o.addProperty("at", report.at().toString());
        return o;
    }
}
