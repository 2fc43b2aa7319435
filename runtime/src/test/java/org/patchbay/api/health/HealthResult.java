package org.patchbay.api.health;

/** Test double of the API record (see {@link HealthService}). */
public record HealthResult(String name, boolean healthy, String detail) {
}
