package org.patchbay.api.health;

import java.util.Objects;

/**
 * The outcome of one health check. {@code detail} is one human-readable line.
 *
 * <p>{@code degraded} (since 1.1): the check counts as healthy (the node becomes ready and {@code /health} stays
 * UP), but a feature it covers is not working and the operator should look; e.g. an optional server that cannot
 * bind its port. Only meaningful with {@code healthy}; a down result is never degraded.
 */
public record HealthResult(String name, boolean healthy, String detail, boolean degraded) {
    public HealthResult {
        Objects.requireNonNull(name, "name");
        detail = detail == null ? "" : detail;
        degraded = healthy && degraded;
    }

    /** The 1.0 constructor: not degraded. */
    public HealthResult(String name, boolean healthy, String detail) {
        this(name, healthy, detail, false);
    }

    public static HealthResult up(String name, String detail) {
        return new HealthResult(name, true, detail);
    }

    public static HealthResult down(String name, String detail) {
        return new HealthResult(name, false, detail);
    }

    /** Healthy for the node's readiness, but {@code detail} says what does not work (since 1.1). */
    public static HealthResult degraded(String name, String detail) {
        return new HealthResult(name, true, detail, true);
    }
}
