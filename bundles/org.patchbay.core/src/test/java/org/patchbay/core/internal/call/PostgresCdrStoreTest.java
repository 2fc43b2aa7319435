package org.patchbay.core.internal.call;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.patchbay.store.testing.PostgresCluster;

/**
 * The CDR store contract on a real PostgreSQL server (a throwaway cluster), so both migrations and every query run
 * unchanged on both engines. Skipped when the machine has no PostgreSQL server binaries.
 */
class PostgresCdrStoreTest extends CdrStoreContract {
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
    DataSource migratedDatabase() throws Exception {
        DataSource ds = cluster.newDatabase("pb_cdr_");
        CallManagerTest.migrate(ds);
        return ds;
    }
}
