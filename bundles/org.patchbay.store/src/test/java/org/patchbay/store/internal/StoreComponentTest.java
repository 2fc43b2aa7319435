package org.patchbay.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/** The DS component with fake OSGi objects: data directory, bundle scripts, deactivation. */
class StoreComponentTest {

    @TempDir
    Path dir;

    @Test
    void embeddedDatabaseInPatchbayDataAndScriptsFromTheOwnerBundle() throws Exception {
        Path data = dir.resolve("data");
        Path bundleRoot = dir.resolve("bundle");
        new DirectoryScriptSource(bundleRoot.resolve("db/directory")).write("V1__users.sql",
                "CREATE TABLE users (aor VARCHAR(200) PRIMARY KEY);\n");
        Bundle owner = Fakes.bundle("org.patchbay.core", bundleRoot);

        StoreComponent component = new StoreComponent(Fakes.context(Map.of("patchbay.data", data.toString())),
                Fakes.config(Map.of()));
        try {
            assertEquals("H2", component.product());
            assertTrue(Files.isRegularFile(data.resolve("db/patchbay.mv.db")));
            component.migrate("directory", owner, "/db/directory");
            component.migrate("directory", owner, "/db/directory");
            assertEquals(List.of("1"), Sql.column(component.dataSource(),
                    "SELECT \"version\" FROM \"flyway_history_directory\" WHERE \"type\" = 'SQL'"));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> component.migrate("directory", owner, "/db/typo"));
            assertEquals("No SQL scripts (*.sql) in org.patchbay.core 1.2.3:/db/typo", e.getMessage());
        } finally {
            component.deactivate();
        }
        assertThrows(SQLException.class, () -> component.dataSource().getConnection());
    }

    @Test
    void badConfigurationFailsActivationNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StoreComponent(
                Fakes.context(Map.of("patchbay.data", dir.toString())), Fakes.config(Map.of("url", "jdbc:oracle:x"))));
        assertTrue(e.getMessage().startsWith("url must be empty"), e.getMessage());
    }

    @Test
    void dataDirectoryFallsBackToTheTempDirectory() {
        assertEquals(Path.of("/opt/pb/data"), StoreComponent.dataDirectory(Fakes.context(Map.of("patchbay.data", "/opt/pb/data"))));
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "patchbay-data"),
                StoreComponent.dataDirectory(Fakes.context(Map.of())));
    }
}
