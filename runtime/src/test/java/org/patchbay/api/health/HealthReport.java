package org.patchbay.api.health;

import java.time.Instant;
import java.util.List;

/** Test double of the API record (see {@link HealthService}). */
public record HealthReport(boolean healthy, Instant at, List<HealthResult> checks) {
}
