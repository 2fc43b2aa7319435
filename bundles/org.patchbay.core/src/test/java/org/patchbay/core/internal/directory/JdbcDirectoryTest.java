package org.patchbay.core.internal.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.DigestAlgorithm;
import org.patchbay.api.identity.DirectoryException;
import org.patchbay.api.identity.DirectoryException.Reason;
import org.patchbay.api.identity.User;

class JdbcDirectoryTest {

    private static final Aor ALICE = Aor.parse("alice@example.com");

    @TempDir
    Path dir;
    private JdbcDataSource ds;
    private JdbcDirectory directory;

    @BeforeEach
    void setUp() throws Exception {
        ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_DELAY=-1");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("db/directory/V1__directory.sql");
                Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            String script = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            for (String sql : script.split(";")) {
                if (!sql.isBlank()) {
                    s.execute(sql);
                }
            }
        }
        directory = new JdbcDirectory(ds, Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void createStoresHa1PerAlgorithmAndNoPassword() throws SQLException {
        User u = directory.create(ALICE, "correct horse", "Alice Liddell");
        assertEquals("Alice Liddell", u.displayName());
        assertEquals(Ha1.of(DigestAlgorithm.MD5, "alice", "example.com", "correct horse"),
                directory.credential(ALICE, "example.com", DigestAlgorithm.MD5).orElseThrow().ha1());
        assertEquals(Ha1.of(DigestAlgorithm.SHA_256, "alice", "example.com", "correct horse"),
                directory.credential(ALICE, "example.com", DigestAlgorithm.SHA_256).orElseThrow().ha1());
        assertFalse(directory.credential(ALICE, "other.org", DigestAlgorithm.MD5).isPresent());
        assertFalse(databaseContains("correct horse"), "plain password found in the database");
    }

    @Test
    void domainIsCreatedOnFirstUseAndShared() throws SQLException {
        directory.create(ALICE, "correct horse", null);
        directory.create(Aor.parse("bob@EXAMPLE.com"), "battery staple", null);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pb_domain")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
        assertEquals(2, directory.count());
    }

    @Test
    void duplicateIsConflictAndChangesNothing() {
        directory.create(ALICE, "correct horse", "First");
        DirectoryException e = assertThrows(DirectoryException.class, () -> directory.create(ALICE, "other pass", "Second"));
        assertEquals(Reason.CONFLICT, e.reason());
        assertEquals("First", directory.find(ALICE).orElseThrow().displayName());
        assertEquals(Ha1.of(DigestAlgorithm.MD5, "alice", "example.com", "correct horse"),
                directory.credential(ALICE, "example.com", DigestAlgorithm.MD5).orElseThrow().ha1());
    }

    @Test
    void invalidInputIsRejectedBeforeAnythingIsWritten() {
        for (Runnable bad : List.<Runnable>of(
                () -> directory.create(ALICE, "short", null),
                () -> directory.create(ALICE, "alice@example.com", null),
                () -> directory.create(ALICE, "tab\there!", null),
                () -> directory.create(ALICE, "correct horse", "x".repeat(129)),
                () -> directory.setPassword(ALICE, "short"))) {
            DirectoryException e = assertThrows(DirectoryException.class, bad::run);
            assertEquals(Reason.INVALID, e.reason(), e.getMessage());
        }
        assertEquals(0, directory.count());
    }

    @Test
    void passwordChangeReplacesEveryCredential() {
        directory.create(ALICE, "correct horse", null);
        directory.setPassword(ALICE, "new secret 1");
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            assertEquals(Ha1.of(a, "alice", "example.com", "new secret 1"),
                    directory.credential(ALICE, "example.com", a).orElseThrow().ha1());
        }
        DirectoryException e = assertThrows(DirectoryException.class,
                () -> directory.setPassword(Aor.parse("nobody@example.com"), "whatever1"));
        assertEquals(Reason.NOT_FOUND, e.reason());
    }

    @Test
    void deleteRemovesUserAndCredentials() {
        directory.create(ALICE, "correct horse", null);
        directory.delete(ALICE);
        assertTrue(directory.find(ALICE).isEmpty());
        assertTrue(directory.credential(ALICE, "example.com", DigestAlgorithm.MD5).isEmpty());
        assertEquals(Reason.NOT_FOUND, assertThrows(DirectoryException.class, () -> directory.delete(ALICE)).reason());
    }

    @Test
    void listFiltersOnAddressAndDisplayNameWithLiteralWildcards() {
        directory.create(ALICE, "correct horse", "Alice Liddell");
        directory.create(Aor.parse("bob@example.com"), "battery staple", "Robert");
        directory.create(Aor.parse("carol_1@other.org"), "battery staple", "");
        assertEquals(3, directory.list(null).size());
        assertEquals(List.of("alice@example.com"), names(directory.list("LIDDELL")));
        assertEquals(List.of("alice@example.com", "bob@example.com"), names(directory.list("example")));
        assertEquals(List.of("carol_1@other.org"), names(directory.list("_1")));
        assertEquals(List.of(), names(directory.list("%")));
    }

    @Test
    void firstUsersOfANewDomainCanBeCreatedConcurrently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<User>> tasks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Aor aor = new Aor("u" + i, "race.example");
                tasks.add(() -> directory.create(aor, "password " + aor.user(), null));
            }
            for (Future<User> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(16, directory.list("race.example").size());
    }

    @Test
    void storeFailureIsUnavailableNotACrash() throws SQLException {
        JdbcDataSource broken = new JdbcDataSource();
        broken.setURL("jdbc:h2:file:" + dir.resolve("missing") + ";IFEXISTS=TRUE");
        JdbcDirectory down = new JdbcDirectory(broken, Clock.systemUTC());
        assertEquals(Reason.UNAVAILABLE, assertThrows(DirectoryException.class, () -> down.count()).reason());
        assertFalse(down.check().healthy());
        assertTrue(directory.check().healthy());
    }

    private static List<String> names(List<User> users) {
        return users.stream().map(u -> u.aor().toString()).toList();
    }

    private boolean databaseContains(String text) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SCRIPT TO '" + dir.resolve("dump.sql") + "'");
        }
        try {
            return java.nio.file.Files.readString(dir.resolve("dump.sql")).contains(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
