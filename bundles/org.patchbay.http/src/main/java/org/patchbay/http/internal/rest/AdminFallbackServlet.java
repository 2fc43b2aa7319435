package org.patchbay.http.internal.rest;

import java.io.IOException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletErrorPage;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.patchbay.api.http.HttpContexts;

/**
 * Keeps every answer under {@code /api/v1} JSON: as the context's default servlet ({@code /}) it
 * answers paths no other servlet serves with 404, and as its error page it replaces the container's
 * HTML error pages (4xx, 5xx, e.g. after an exception in another bundle's servlet) with the JSON error
 * body, never a stack trace. Being in the admin context, unknown paths need the token too, so the API's
 * shape cannot be probed without it.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect("(" + "osgi.http.whiteboard.context.name=" + HttpContexts.ADMIN_API + ")")
@HttpWhiteboardServletPattern("/")
@HttpWhiteboardServletErrorPage(errorPage = {"4xx", "5xx"})
@HttpWhiteboardServletName("patchbay-api-fallback")
public final class AdminFallbackServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (req.getDispatcherType() == DispatcherType.ERROR) {
            Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
            int status = code instanceof Integer i ? i : res.getStatus();
            JsonResponses.error(res, errorFor(status < 400 ? 500 : status));
            return;
        }
        JsonResponses.error(res, ApiError.notFound("no resource at " + req.getRequestURI()));
    }

    /** A generic body per status: the container's message may hold internals, so it is not echoed. */
    static ApiError errorFor(int status) {
        return switch (status) {
            case 400 -> new ApiError(400, "bad_request", "the request is malformed");
            case 401 -> new ApiError(401, "unauthorized", "a bearer token is required");
            case 403 -> new ApiError(403, "forbidden", "access denied");
            case 404 -> ApiError.notFound("no such resource");
            case 405 -> new ApiError(405, "method_not_allowed", "method not allowed on this resource");
            case 413 -> new ApiError(413, "payload_too_large", "the request body is too large");
            case 415 -> new ApiError(415, "unsupported_media_type", "unsupported Content-Type");
            case 429 -> new ApiError(429, "too_many_requests", "too many requests");
            case 503 -> new ApiError(503, "unavailable", "the service is temporarily unavailable");
            default -> status < 500
                    ? new ApiError(status, "client_error", "the request cannot be served (HTTP " + status + ")")
                    : new ApiError(status, "internal_error", "the request failed on the server; see the node log");
        };
    }
}
