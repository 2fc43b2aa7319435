package org.patchbay.api.health;

import java.util.Objects;

/** The outcome of one health check. {@code detail} is one human-readable line. */
public record HealthResult(String name, boolean healthy, String detail) {
    public HealthResult {
        Objects.requireNonNull(name, "name");
        detail = detail == null ? "" : detail;
    }

    public static HealthResult up(String name, String detail) {
        return new HealthResult(name, true, detail);
    }

    public static HealthResult down(String name, String detail) {
        return new HealthResult(name, false, detail);
    }
}
