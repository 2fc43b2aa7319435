package org.patchbay.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A health check, registered as a service by the bundle it checks (whiteboard). The service
 * property {@link #NAME} names it; the node's health is green when every check is healthy and every
 * check listed as required in the {@code org.patchbay.core.health} configuration is present.
 *
 * <p>{@link #check()} is called from HTTP and shell threads, must be thread-safe and should return
 * within 100 ms; it must not throw (a thrown exception counts as unhealthy).
 */
@ConsumerType
public interface HealthCheck {

    /** Service property naming the check, e.g. {@code store}. */
    String NAME = "pb.health.check";

    HealthResult check();
}
