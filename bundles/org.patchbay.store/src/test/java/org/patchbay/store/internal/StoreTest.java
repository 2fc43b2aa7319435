package org.patchbay.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening and closing the embedded database: files, threads, locks. */
class StoreTest {

    @TempDir
    Path dir;

    private Path h2File() {
        return dir.resolve("data").resolve("db").resolve("patchbay");
    }

    static List<String> storeThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (t.isAlive() && (name.contains(Connections.POOL_NAME) || name.startsWith("H2 ") || name.startsWith("MVStore"))) {
                names.add(name);
            }
        }
        return names;
    }

    static List<String> awaitNoStoreThreads() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        List<String> left = storeThreads();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = storeThreads();
        }
        return left;
    }

    @Test
    void createsThePrivateDatabaseFileAndReportsH2() throws Exception {
        try (Store store = Store.open(StoreSettings.h2(h2File()))) {
            assertEquals("H2", store.settings().product().displayName());
            Sql.execute(store.dataSource(), "CREATE TABLE t (id INTEGER)");
        }
        assertTrue(Files.isRegularFile(dir.resolve("data/db/patchbay.mv.db")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data/db"))));
    }

    @Test
    void closeEndsEveryPoolAndDatabaseThread() throws Exception {
        assertEquals(List.of(), awaitNoStoreThreads(), "threads left by an earlier test");
        Store store = Store.open(StoreSettings.h2(h2File()));
        busyPool(store);
        assertTrue(storeThreads().contains(Connections.POOL_NAME + " housekeeper"), "housekeeper " + storeThreads());
        store.close();
        assertEquals(List.of(), awaitNoStoreThreads());
        store.close(); // idempotent
    }

    /** Borrows every connection at once so the pool has to start its helper threads. */
    private static void busyPool(Store store) throws Exception {
        int size = store.settings().poolMaxSize();
        ExecutorService users = Executors.newFixedThreadPool(size);
        CountDownLatch allIn = new CountDownLatch(size);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            done.add(users.submit(() -> {
                try (Connection c = store.dataSource().getConnection()) {
                    allIn.countDown();
                    allIn.await(5, TimeUnit.SECONDS);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(10, TimeUnit.SECONDS);
        }
        users.shutdown();
    }

    @Test
    void aSecondProcessOnTheSameFileGetsAClearErrorAndTheLockDiesWithTheHolder() throws Exception {
        Path file = h2File();
        try (Store first = Store.open(StoreSettings.h2(file))) {
            Sql.execute(first.dataSource(), "CREATE TABLE t (id INTEGER)");
        }
        try (ChildJvm holder = ChildJvm.start("hold", file.toString())) {
            holder.awaitLine("ready");
            long start = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Store.open(StoreSettings.h2(file)));
            assertEquals("H2 database " + file + ".mv.db is locked by another process (another Patchbay node on the"
                    + " same data directory?): stop it, or give this node its own patchbay.data or h2.path", e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "refused promptly");
            assertEquals(List.of(), awaitNoStoreThreads(), "a failed open leaves no pool threads");
            assertEquals(137, holder.kill(), "killed by SIGKILL");
        }
        try (Store again = Store.open(StoreSettings.h2(file))) {
            assertEquals(0, Sql.count(again.dataSource(), "SELECT COUNT(*) FROM t"));
        }
    }

    @Test
    void closeReleasesTheFileForAnotherProcess() throws Exception {
        Path file = h2File();
        Store store = Store.open(StoreSettings.h2(file));
        Sql.execute(store.dataSource(), "CREATE TABLE t (id INTEGER)");
        store.close();
        try (ChildJvm other = ChildJvm.start("open", file.toString())) {
            assertEquals(0, other.awaitExit(), "child output: " + other.output());
            assertTrue(other.output().contains("opened"), other.output().toString());
        }
    }

    @Test
    void cannotOpenNamesTheDatabaseAndTheReason() {
        Path notADirectory = dir.resolve("file");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            Files.writeString(notADirectory, "x");
            Store.open(StoreSettings.h2(notADirectory.resolve("db")));
        });
        assertTrue(e.getMessage().startsWith("Cannot open H2 database at " + notADirectory.resolve("db") + ".mv.db: ")
                || e.getMessage().startsWith("Cannot create the database directory"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
