package org.patchbay.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.flywaydb.core.api.output.MigrateOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What migrate() must do on every database the store supports. Subclasses open a fresh, empty
 * database for each test and may reopen it to simulate a restart.
 */
abstract class MigrationContract {

    @TempDir
    Path scripts;

    /** Opens (or reopens) this test's database. */
    abstract Store openStore() throws Exception;

    /** Whether a failed script leaves nothing behind (PostgreSQL: DDL is transactional). */
    abstract boolean transactionalDdl();

    static final String CREATE = "CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\n";
    static final String ALTER = "ALTER TABLE item ADD COLUMN note VARCHAR(200);\n";
    static final String INSERT = "INSERT INTO item (id, name, note) VALUES (1, 'first', 'from V10');\n";

    static List<String> versions(List<MigrateOutput> applied) {
        return applied.stream().map(m -> m.version).toList();
    }

    static List<String> history(Store store, String module) throws Exception {
        return Sql.column(store.dataSource(), "SELECT \"version\" FROM \"flyway_history_" + module
                + "\" WHERE \"success\" = TRUE AND \"type\" = 'SQL' ORDER BY \"installed_rank\"");
    }

    @Test
    void appliesScriptsInVersionOrderOnceAcrossRestarts() throws Exception {
        DirectoryScriptSource source = new DirectoryScriptSource(scripts.resolve("m"))
                .write("V10__insert_first.sql", INSERT) // numeric order: V10 after V2
                .write("V2__add_note.sql", ALTER)
                .write("V1__create_item.sql", CREATE);
        try (Store store = openStore()) {
            assertEquals(List.of("1", "2", "10"), versions(store.migrate("items", source)));
            assertEquals(1, Sql.count(store.dataSource(), "SELECT COUNT(*) FROM item WHERE note = 'from V10'"));
            assertEquals(List.of(), store.migrate("items", source), "second call in the same run");
        }
        try (Store store = openStore()) {
            assertEquals(List.of(), store.migrate("items", source), "after a restart");
            source.write("V11__second.sql", "INSERT INTO item (id, name) VALUES (2, 'second');\n");
            assertEquals(List.of("11"), versions(store.migrate("items", source)));
            assertEquals(2, Sql.count(store.dataSource(), "SELECT COUNT(*) FROM item"));
            assertEquals(List.of("1", "2", "10", "11"), history(store, "items"));
        }
    }

    @Test
    void modulesKeepIndependentHistories() throws Exception {
        DirectoryScriptSource a = new DirectoryScriptSource(scripts.resolve("a"))
                .write("V1__create.sql", "CREATE TABLE alpha (id INTEGER PRIMARY KEY);\n");
        DirectoryScriptSource b = new DirectoryScriptSource(scripts.resolve("b"))
                .write("V1__create.sql", "CREATE TABLE beta (id INTEGER PRIMARY KEY);\n")
                .write("V2__fill.sql", "INSERT INTO beta (id) VALUES (7);\n");
        try (Store store = openStore()) {
            assertEquals(List.of("1"), versions(store.migrate("alpha", a)));
            // the schema now holds alpha's tables: beta's first migration must still run in full
            assertEquals(List.of("1", "2"), versions(store.migrate("beta", b)));
            a.write("V2__more.sql", "ALTER TABLE alpha ADD COLUMN label VARCHAR(20);\n");
            assertEquals(List.of("2"), versions(store.migrate("alpha", a)));
            assertEquals(List.of(), store.migrate("beta", b));
            assertEquals(List.of("1", "2"), history(store, "alpha"));
            assertEquals(List.of("1", "2"), history(store, "beta"));
            assertEquals(1, Sql.count(store.dataSource(), "SELECT COUNT(*) FROM beta WHERE id = 7"));
        }
    }

    @Test
    void failingScriptGivesClearErrorAndLeavesEarlierOnesApplied() throws Exception {
        DirectoryScriptSource source = new DirectoryScriptSource(scripts.resolve("bad"))
                .write("V1__create_item.sql", CREATE)
                .write("V2__broken.sql", "CREATE TABLE half (id INTEGER);\nINSERT INTO no_such_table (id) VALUES (1);\n");
        try (Store store = openStore()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.migrate("broken", source));
            String message = e.getMessage();
            assertTrue(message.startsWith("Schema migration of module broken from " + source.describe() + " failed: "),
                    message);
            assertTrue(message.contains("V2__broken.sql"), message);
            assertTrue(message.toLowerCase().contains("no_such_table"), message);
            assertFalse(message.contains("\n"), "one line: " + message);
            assertTrue(Sql.tableExists(store.dataSource(), "item"), "V1 stays applied");
            if (transactionalDdl()) {
                assertFalse(Sql.tableExists(store.dataSource(), "half"), "V2 rolled back as a whole");
            }
            // a second attempt fails just as clearly: H2 recorded the failure, PostgreSQL runs V2 again
            IllegalStateException again = assertThrows(IllegalStateException.class,
                    () -> store.migrate("broken", source));
            assertTrue(again.getMessage().contains("module broken"), again.getMessage());
        }
    }

    @Test
    void editedScriptIsRefused() throws Exception {
        DirectoryScriptSource source = new DirectoryScriptSource(scripts.resolve("edit")).write("V1__create_item.sql", CREATE);
        try (Store store = openStore()) {
            store.migrate("edited", source);
            source.write("V1__create_item.sql", CREATE.replace("100", "120"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.migrate("edited", source));
            assertTrue(e.getMessage().toLowerCase().contains("checksum mismatch"), e.getMessage());
        }
    }
}
