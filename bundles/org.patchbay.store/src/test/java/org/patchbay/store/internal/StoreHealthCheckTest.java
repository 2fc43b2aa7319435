package org.patchbay.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.patchbay.api.health.HealthResult;
import org.patchbay.api.store.Database;

class StoreHealthCheckTest {

    @TempDir
    Path dir;

    /** The Database service over a plain Store, as the component provides it. */
    private static Database database(Store store) {
        return new Database() {
            @Override
            public DataSource dataSource() {
                return store.dataSource();
            }

            @Override
            public String product() {
                return store.settings().product().displayName();
            }

            @Override
            public void migrate(String module, Bundle owner, String location) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void upWithPoolStateThenDownOnceTheStoreIsClosed() throws Exception {
        Store store = Store.open(StoreSettings.h2(dir.resolve("db")));
        StoreHealthCheck check = new StoreHealthCheck(database(store));
        try {
            HealthResult up = check.check();
            assertEquals("store", up.name());
            assertTrue(up.healthy(), up.detail());
            assertTrue(up.detail().startsWith("H2, pool "), up.detail());
            store.close();
            HealthResult down = check.check();
            assertFalse(down.healthy(), down.detail());
            assertTrue(down.detail().startsWith("H2: "), down.detail());
        } finally {
            check.deactivate();
            store.close();
        }
    }

    @Test
    void aHungDatabaseIsReportedWithinTheTimeout() throws Exception {
        Store store = Store.open(StoreSettings.h2(dir.resolve("db")));
        StoreHealthCheck check = new StoreHealthCheck(database(store));
        // the pool's only connections are all borrowed: the probe waits for the pool's 5 s timeout
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < store.settings().poolMaxSize(); i++) {
                held.add(store.dataSource().getConnection());
            }
            long start = System.nanoTime();
            HealthResult result = check.check();
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertFalse(result.healthy(), result.detail());
            assertTrue(result.detail().startsWith("H2: no valid connection within 500 ms"), result.detail());
            assertTrue(result.detail().contains("8 active, 0 idle of 8, 1 waiting"), result.detail());
            assertTrue(tookMs < 1500, "took " + tookMs + " ms");
            for (Connection c : held) {
                c.close();
            }
            held.clear();
            Thread.sleep(100); // the pending probe now gets a connection
            assertTrue(check.check().healthy());
        } finally {
            for (Connection c : held) {
                c.close();
            }
            check.deactivate();
            store.close();
        }
    }
}
