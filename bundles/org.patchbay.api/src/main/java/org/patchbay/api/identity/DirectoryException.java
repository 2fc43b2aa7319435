package org.patchbay.api.identity;

/** A directory operation was refused; {@link #reason()} tells callers which error to report. */
public class DirectoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why an operation failed. */
    public enum Reason {
        /** An argument is malformed (address, password, display name). */
        INVALID,
        /** The user does not exist. */
        NOT_FOUND,
        /** The user already exists. */
        CONFLICT,
        /** The store cannot be reached; the operation was not applied. */
        UNAVAILABLE
    }

    private final Reason reason;

    public DirectoryException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DirectoryException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
