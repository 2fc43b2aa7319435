package org.patchbay.api.health;

/**
 * Test double with the same name and shape as the API type: the launcher finds the health service by
 * name and calls it reflectively, so its tests need a class of that name on the launcher's class path.
 */
public interface HealthService {
    HealthReport report();
}
