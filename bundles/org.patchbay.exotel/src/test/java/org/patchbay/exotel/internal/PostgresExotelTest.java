package org.patchbay.exotel.internal;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.patchbay.store.testing.PostgresCluster;

/**
 * {@link ExotelTest} on a real PostgreSQL server (a throwaway cluster, one database per test), so the schema script and
 * every query run unchanged on both engines. Skipped when the machine has no PostgreSQL server binaries.
 */
class PostgresExotelTest extends ExotelTest {
    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = PostgresCluster.startForTests();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    DataSource openDatabase() throws Exception {
        return cluster.newDatabase("pb_exotel_");
    }
}
