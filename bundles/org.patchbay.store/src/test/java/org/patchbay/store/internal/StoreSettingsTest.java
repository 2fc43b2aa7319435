package org.patchbay.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StoreSettingsTest {

    private static final Path DATA = Path.of("/srv/patchbay/data");

    private static StoreSettings from(Map<String, Object> values) {
        return StoreSettings.from(Fakes.config(values), DATA);
    }

    @Test
    void emptyConfigurationMeansEmbeddedH2InTheDataDirectory() {
        StoreSettings s = from(Map.of());
        assertEquals(StoreSettings.Product.H2, s.product());
        assertEquals(Path.of("/srv/patchbay/data/db/patchbay"), s.h2File());
        assertEquals("/srv/patchbay/data/db/patchbay.mv.db", s.location());
        assertEquals(8, s.poolMaxSize());
        assertEquals(1, s.poolMinIdle());
        assertEquals(5000, s.connectionTimeoutMs());
    }

    @Test
    void h2PathOverridesTheDefaultFile() {
        assertEquals(Path.of("/var/lib/pb/main"), from(Map.of("h2_path", " /var/lib/pb/main ")).h2File());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> from(Map.of("h2_path", "/x;AUTO_SERVER=TRUE")));
        assertTrue(e.getMessage().startsWith("h2.path must not contain ';'"), e.getMessage());
    }

    @Test
    void postgresqlUrlSelectsPostgresql() {
        StoreSettings s = from(Map.of("url", "jdbc:postgresql://db.example:5433/patchbay?sslmode=require",
                "user", "pb", "_password", "s3cret"));
        assertEquals(StoreSettings.Product.POSTGRESQL, s.product());
        assertEquals("pb", s.user());
        assertEquals("s3cret", s.password());
        assertEquals("jdbc:postgresql://db.example:5433/patchbay", s.location());
    }

    @Test
    void passwordNeverAppearsInToStringOrLocation() {
        StoreSettings s = from(Map.of("url", "jdbc:postgresql://u:inurl@db/pb?password=inquery",
                "_password", "configured-secret"));
        String shown = s.toString() + " " + s.location();
        assertFalse(shown.contains("configured-secret"), shown);
        assertFalse(shown.contains("inquery"), shown);
        assertFalse(shown.contains("inurl"), shown);
        assertEquals("StoreSettings[PostgreSQL at jdbc:postgresql://db/pb as patchbay, pool 1..8,"
                + " connectionTimeoutMs 5000]", s.toString());
    }

    @Test
    void otherDatabasesAreRefusedWithoutEchoingCredentials() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> from(Map.of("url", "jdbc:mysql://db/pb?password=hunter2")));
        assertEquals("url must be empty (embedded H2) or jdbc:postgresql://host[:port]/database, got jdbc:mysql://db/pb",
                e.getMessage());
    }

    @Test
    void postgresqlNeedsAUser() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> from(Map.of("url", "jdbc:postgresql://db/pb", "user", " ")));
        assertEquals("user must be set for PostgreSQL", e.getMessage());
    }

    @Test
    void poolLimitsAreChecked() {
        assertEquals("pool.maxSize must be 1..100, got 0",
                assertThrows(IllegalArgumentException.class, () -> from(Map.of("pool_maxSize", 0))).getMessage());
        assertEquals("pool.minIdle must be 0..pool.maxSize (4), got 5", assertThrows(IllegalArgumentException.class,
                () -> from(Map.of("pool_maxSize", 4, "pool_minIdle", 5))).getMessage());
        assertEquals("pool.connectionTimeoutMs must be at least 250, got 100", assertThrows(
                IllegalArgumentException.class, () -> from(Map.of("pool_connectionTimeoutMs", 100L))).getMessage());
    }
}
