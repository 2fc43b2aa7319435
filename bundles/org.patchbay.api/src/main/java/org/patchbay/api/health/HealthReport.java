package org.patchbay.api.health;

import java.time.Instant;
import java.util.List;

/** The node's health at {@code at}: healthy when every listed check is. */
public record HealthReport(boolean healthy, Instant at, List<HealthResult> checks) {
    public HealthReport {
        checks = List.copyOf(checks);
    }
}
