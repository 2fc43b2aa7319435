package org.patchbay.http.internal.server;

/** A configuration value is unusable; {@link #key()} names it, the message says why in one phrase. */
public final class InvalidSettingException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidSettingException(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
