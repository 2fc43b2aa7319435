package org.patchbay.exotel.internal;

/** The checked configuration of PID {@code org.patchbay.exotel}. */
record Settings(boolean enabled, String apiPath, String sipDomain, String wsPath, int ringTimeoutSeconds,
                int callbackRetries, int callbackTimeoutSeconds, int authFailuresPerMinute) {

    static final Settings DEFAULTS = new Settings(true, "/v1", "", "/ws", 60, 3, 5, 10);

    /** Values out of range fall back to the defaults; the api path is normalised to {@code /x[/y]}. */
    static Settings of(ExotelComponent.Config c) {
        String path = c.api_path() == null ? "" : c.api_path().strip();
        if (!path.matches("(/[A-Za-z0-9._-]+)+")) {
            path = DEFAULTS.apiPath();
        }
        return new Settings(c.enabled(), path, c.sip_domain() == null ? "" : c.sip_domain().strip(),
                c.ws_path() == null || c.ws_path().isBlank() ? DEFAULTS.wsPath() : c.ws_path().strip(),
                range(c.ring_timeout_seconds(), 1, 600, 60), range(c.callback_retries(), 0, 10, 3),
                range(c.callback_timeout_seconds(), 1, 60, 5), range(c.auth_failures_per_minute(), 1, 10_000, 10));
    }

    private static int range(int v, int min, int max, int def) {
        return v < min || v > max ? def : v;
    }
}
