package org.patchbay.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchbay.store.testing.PostgresCluster;

/**
 * The store on a real PostgreSQL server (a throwaway cluster, see {@link PostgresCluster}). Skipped
 * when the machine has no PostgreSQL server binaries.
 */
class PostgresStoreTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
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

    private static String freshDatabase() throws Exception {
        String name = "pb_test_" + DATABASES.incrementAndGet();
        cluster.createDatabase(name);
        return name;
    }

    @Nested
    class Migrations extends MigrationContract {
        private String database;

        @BeforeEach
        void createDatabase() throws Exception {
            database = freshDatabase();
        }

        @Override
        Store openStore() {
            return Store.open(StoreSettings.postgresql(cluster.url(database), cluster.user(), cluster.password()));
        }

        @Override
        boolean transactionalDdl() {
            return true;
        }
    }

    @Test
    void reportsPostgresqlAndEndsItsThreadsOnClose(@TempDir Path scripts) throws Exception {
        Store store = Store.open(StoreSettings.postgresql(cluster.url(freshDatabase()), cluster.user(), cluster.password()));
        assertEquals("PostgreSQL", store.settings().product().displayName());
        store.migrate("things", new DirectoryScriptSource(scripts).write("V1__t.sql", MigrationContract.CREATE));
        store.close();
        assertEquals(List.of(), StoreTest.awaitNoStoreThreads());
    }

    @Test
    void wrongPasswordIsRefusedWithTheServersReason() {
        String wrong = "wrong-" + UUID.randomUUID();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Store.open(StoreSettings.postgresql(cluster.url("postgres"), cluster.user(), wrong)));
        assertTrue(e.getMessage().startsWith("Cannot open PostgreSQL database at " + cluster.url("postgres") + ": "),
                e.getMessage());
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
    }

    /** slf4j-simple writes to whatever System.err is at the time, so swapping it captures every log line. */
    @Test
    void thePasswordNeverReachesTheLog(@TempDir Path scripts) throws Exception {
        String database = freshDatabase();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Store store = Store.open(StoreSettings.postgresql(cluster.url(database), cluster.user(), cluster.password()))) {
            DirectoryScriptSource source = new DirectoryScriptSource(scripts).write("V1__t.sql", MigrationContract.CREATE)
                    .write("V2__bad.sql", "INSERT INTO nowhere VALUES (1);\n");
            assertThrows(IllegalStateException.class, () -> store.migrate("logged", source));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("Store: PostgreSQL database at " + cluster.url(database) + " open"), log);
        assertTrue(log.contains("Store: module logged migrated to version 1"), log);
        assertFalse(log.contains(cluster.password()), "password in the log:\n" + log);
    }
}
