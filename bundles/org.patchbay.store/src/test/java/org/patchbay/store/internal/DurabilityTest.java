package org.patchbay.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit that has returned is on disk: a child JVM commits rows and reports each commit, the test
 * kills it with SIGKILL right after a report, then reopens the file. Relies on WRITE_DELAY=0 (see
 * {@link Connections#H2_SETTINGS}); with H2's default delay the last second of commits is lost.
 */
class DurabilityTest {

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedCommitSurvivesSigkill() throws Exception {
        Path file = dir.resolve("db").resolve("patchbay");
        long acked;
        try (ChildJvm child = ChildJvm.start("commit-loop", file.toString())) {
            String line;
            do {
                line = child.awaitLine("committed ");
                acked = Long.parseLong(line.substring("committed ".length()));
            } while (acked < 300);
            assertEquals(137, child.kill(), "the child must die by SIGKILL, not exit");
        }
        try (Store store = Store.open(StoreSettings.h2(file))) {
            assertEquals(acked, Sql.count(store.dataSource(), "SELECT COUNT(*) FROM acked WHERE id <= " + acked),
                    "rows 1.." + acked + " were acknowledged");
            assertTrue(Sql.count(store.dataSource(), "SELECT MAX(id) FROM acked") >= acked);
        }
    }
}
