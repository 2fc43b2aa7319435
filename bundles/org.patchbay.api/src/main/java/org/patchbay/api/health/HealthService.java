package org.patchbay.api.health;

import org.osgi.annotation.versioning.ProviderType;

/** Aggregates all {@link HealthCheck}s. Thread-safe; runs every check on the caller's thread. */
@ProviderType
public interface HealthService {
    HealthReport report();
}
