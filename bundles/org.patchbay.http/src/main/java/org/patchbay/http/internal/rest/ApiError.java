package org.patchbay.http.internal.rest;

import org.patchbay.api.identity.DirectoryException;

/**
 * An error answer of the REST API: status, short machine-readable code and one human-readable line.
 * Thrown by request handlers and written by {@link JsonResponses#error}; carries no stack trace.
 */
public final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public ApiError(int status, String code, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    public static ApiError badRequest(String code, String detail) {
        return new ApiError(400, code, detail);
    }

    public static ApiError notFound(String detail) {
        return new ApiError(404, "not_found", detail);
    }

    public static ApiError methodNotAllowed(String method, String allowed) {
        return new ApiError(405, "method_not_allowed", method + " is not allowed here; use " + allowed);
    }

    /** An invalid address from {@code Aor.parse}: the message says what is wrong with it. */
    public static ApiError invalidArgument(IllegalArgumentException e) {
        return new ApiError(400, "invalid_argument", e.getMessage());
    }

    /** The status a directory refusal maps to. */
    public static ApiError from(DirectoryException e) {
        return switch (e.reason()) {
            case INVALID -> new ApiError(400, "invalid_argument", e.getMessage());
            case NOT_FOUND -> new ApiError(404, "not_found", e.getMessage());
            case CONFLICT -> new ApiError(409, "conflict", e.getMessage());
            case UNAVAILABLE -> new ApiError(503, "unavailable", e.getMessage());
        };
    }
}
