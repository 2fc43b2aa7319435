package org.patchbay.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One node per data folder: two JVMs on the same framework cache and database corrupt both, and
 * Felix does not stop a second one. Held until the process ends; the OS releases it if it dies.
 */
final class DataLock implements AutoCloseable {

    static final String FILE = "patchbay.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or an IOException naming the folder when another node holds it. */
    static DataLock acquire(Path data) throws IOException {
        Files.createDirectories(data);
        Path file = data.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("another Patchbay node is running on " + data + " (it holds " + file + ")");
        }
        return new DataLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
