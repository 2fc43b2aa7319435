package org.patchbay.store.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * Runs in a child JVM (see {@link ChildJvm}): {@code commit-loop <h2-file>} commits rows 1, 2, 3 …
 * and prints {@code committed <n>} after each commit has returned; {@code hold <h2-file>} opens the
 * store and waits to be killed; {@code open <h2-file>} opens and closes it.
 */
public final class StoreChild {

    private StoreChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        try (Store store = Store.open(StoreSettings.h2(file))) {
            switch (args[0]) {
                case "commit-loop" -> commitLoop(store);
                case "hold" -> {
                    System.out.println("ready");
                    System.out.flush();
                    Thread.sleep(Long.MAX_VALUE);
                }
                case "open" -> System.out.println("opened");
                default -> throw new IllegalArgumentException(args[0]);
            }
        } catch (IllegalStateException e) {
            System.out.println("failed: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void commitLoop(Store store) throws Exception {
        try (Connection c = store.dataSource().getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS acked (id BIGINT PRIMARY KEY, payload VARCHAR(100))");
            }
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO acked (id, payload) VALUES (?, ?)")) {
                for (long id = 1; id < 10_000_000; id++) {
                    insert.setLong(1, id);
                    insert.setString(2, "row " + id);
                    insert.executeUpdate();
                    c.commit();
                    System.out.println("committed " + id);
                    System.out.flush();
                }
            }
        }
    }
}
