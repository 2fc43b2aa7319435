package org.patchbay.api.http;

/**
 * Names of the servlet contexts the HTTP bundle registers on the OSGi servlet whiteboard. A bundle
 * adds an endpoint by registering a servlet with
 * {@code osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=<name>)}.
 */
public final class HttpContexts {

    /**
     * The admin REST API at {@code /api/v1}: every request needs {@code Authorization: Bearer <token>}
     * (the token in {@code data/admin.token}). Errors are JSON {@code {"error": …, "detail": …}}.
     */
    public static final String ADMIN_API = "org.patchbay.api.v1";

    /** Path of the admin API context. */
    public static final String ADMIN_API_PATH = "/api/v1";

    /**
     * The public context at {@code /}, without authentication (since 1.1): for endpoints outside the admin API, such
     * as a vendor's REST API. The HTTP bundle checks that every servlet selecting it is really served and re-publishes
     * the context when one was dropped, which the whiteboard's built-in {@code default} context cannot offer. Register
     * specific patterns only: a {@code /} or {@code /*} servlet here would hide everything in {@code default}.
     */
    public static final String PUBLIC = "org.patchbay.public";

    private HttpContexts() {
    }
}
