package org.patchbay.exotel.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.patchbay.store.testing.PostgresCluster;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link ExotelTest} on a real PostgreSQL server (a throwaway cluster, one database per test), so the schema script and
 * every query run unchanged on both engines. Skipped when the machine has no PostgreSQL server binaries.
 */
class PostgresExotelTest extends ExotelTest {
    private static final String USER = "patchbay";
    private static final String PASSWORD = "pg-" + UUID.randomUUID();
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        Optional<Path> bin = PostgresCluster.binaries();
        assumeTrue(bin.isPresent(), "no PostgreSQL server binaries under /usr/lib/postgresql");
        Optional<List<String>> asUser = PostgresCluster.runAs();
        assumeTrue(asUser.isPresent(), "running as root and there is no postgres user to run the server as");
        cluster = PostgresCluster.start(bin.get(), asUser.get(), USER, PASSWORD);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    DataSource openDatabase() throws Exception {
        String name = "pb_exotel_" + DATABASES.incrementAndGet();
        cluster.createDatabase(name);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(cluster.url(name));
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        return ds;
    }
}
