package org.patchbay.api.store;

import javax.sql.DataSource;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * The node's relational database (embedded H2 by default, PostgreSQL by configuration), pooled.
 * Implemented by org.patchbay.store. When the store is reconfigured or updated the service goes
 * away and comes back; consumers hold it through a static reference so they restart with it.
 */
@ProviderType
public interface Database {

    /** Pooled connections: borrow per unit of work and close promptly (try-with-resources). */
    DataSource dataSource();

    /** {@code H2} or {@code PostgreSQL}. */
    String product();

    /**
     * Brings the schema of one module up to date with the SQL scripts under {@code location} in
     * {@code owner} (Flyway naming: {@code V1__create_users.sql}, …). Each module has its own history
     * table, so bundles evolve their schemas independently. Blocking; call it from {@code @Activate}.
     *
     * @param module lower-case identifier, e.g. {@code directory}
     * @throws IllegalStateException when a migration fails; nothing of the failed script is applied
     *     where the database supports transactional DDL
     */
    void migrate(String module, Bundle owner, String location);
}
