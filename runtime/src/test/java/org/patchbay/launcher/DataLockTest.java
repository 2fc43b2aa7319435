package org.patchbay.launcher;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLockTest {

    @TempDir
    Path data;

    @Test
    void secondNodeOnTheSameDataFolderIsRefusedUntilTheFirstStops() throws IOException {
        try (DataLock first = DataLock.acquire(data)) {
            IOException refused = assertThrows(IOException.class, () -> DataLock.acquire(data));
            assertTrue(refused.getMessage().startsWith("another Patchbay node is running on " + data), refused.getMessage());
        }
        DataLock.acquire(data).close();
    }
}
