package org.patchbay.messaging.internal.core;

import java.sql.Connection;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.patchbay.store.testing.PostgresCluster;

/**
 * The messaging contract on a real PostgreSQL server (a throwaway cluster, one database per test), so the schema script
 * and every query run unchanged on both engines. Skipped when the machine has no PostgreSQL server binaries.
 */
class PostgresMessagingTest extends MessagingContract {
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
        DataSource ds = cluster.newDatabase("pb_msg_");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(schema());
        }
        return ds;
    }

    @Override
    void closeDatabase(DataSource ds) {
        // the cluster and its databases go in stopCluster()
    }
}
