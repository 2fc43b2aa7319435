package org.patchbay.exotel.internal;

/** A refusal rendered as Exotel's {@code RestException}: HTTP status and a one-line message. */
final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
