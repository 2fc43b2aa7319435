package org.patchbay.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Input checks around migrate() on H2; the migration behaviour itself is in {@link MigrationContract}. */
class MigratorTest {

    @TempDir
    Path dir;

    private Store store;
    private DirectoryScriptSource scripts;

    @BeforeEach
    void open() {
        store = Store.open(StoreSettings.h2(dir.resolve("db").resolve("patchbay")));
        scripts = new DirectoryScriptSource(dir.resolve("scripts")).write("V1__create.sql", MigrationContract.CREATE);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"Users", "1abc", "_x", "a-b", "a b", "abc;drop table item", "ümlaut",
            "abcdefghijklmnopqrstuvwxyz0123456"})
    void badModuleNamesAreRefusedBeforeTouchingTheDatabase(String module) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.migrate(module, scripts));
        assertTrue(e.getMessage().startsWith("Module name must match [a-z][a-z0-9_]{0,30}"), e.getMessage());
        assertEquals(0, Sql.count(store.dataSource(),
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"));
    }

    @Test
    void longestAndShortestModuleNamesAreAccepted() {
        assertEquals(1, store.migrate("a", scripts).size());
        String longest = "a" + "b".repeat(29) + "9"; // 31 characters
        DirectoryScriptSource other = new DirectoryScriptSource(dir.resolve("other"))
                .write("V1__t.sql", "CREATE TABLE other_t (id INTEGER);\n");
        assertEquals(1, store.migrate(longest, other).size());
    }

    @Test
    void locationWithoutScriptsIsRefused() {
        DirectoryScriptSource empty = new DirectoryScriptSource(dir.resolve("nothing-here"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.migrate("empty", empty));
        assertEquals("No SQL scripts (*.sql) in " + empty.describe(), e.getMessage());
    }

    @Test
    void versionZeroIsRefusedBecauseTheBaselineWouldHideIt() {
        scripts.write("V0__too_early.sql", "CREATE TABLE early (id INTEGER);\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.migrate("zero", scripts));
        assertTrue(e.getMessage().contains("V0__too_early.sql") && e.getMessage().contains("versions start at 1"),
                e.getMessage());
    }

    @Test
    void misnamedScriptIsAnErrorNotSilentlySkipped() {
        scripts.write("V2_single_underscore.sql", "CREATE TABLE skipped (id INTEGER);\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.migrate("named", scripts));
        assertTrue(e.getMessage().contains("V2_single_underscore.sql"), e.getMessage());
    }

    @Test
    void placeholdersAreNotReplaced() throws Exception {
        scripts.write("V2__literal.sql", "INSERT INTO item (id, name) VALUES (1, '${not_a_placeholder}');\n");
        store.migrate("literal", scripts);
        assertEquals(List.of("${not_a_placeholder}"), Sql.column(store.dataSource(), "SELECT name FROM item"));
    }

    @Test
    void migrateAfterCloseIsRefused() {
        store.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.migrate("late", scripts));
        assertEquals("Store is closed; cannot migrate module late", e.getMessage());
    }

    /** Flyway keeps its last configuration in a static field; it must not keep ours (bundle updates). */
    @Test
    void flywayDoesNotKeepTheStoresConfigurationAfterMigrate() throws Exception {
        store.migrate("pinned", scripts);
        Field field = LogFactory.class.getDeclaredField("configuration");
        field.setAccessible(true);
        Configuration kept = (Configuration) field.get(null);
        assertNull(kept.getDataSource(), "data source still referenced");
        assertNull(kept.getResourceProvider(), "scripts still referenced");
        assertSame(Flyway.class.getClassLoader(), kept.getClassLoader(), "class loader");
    }
}
