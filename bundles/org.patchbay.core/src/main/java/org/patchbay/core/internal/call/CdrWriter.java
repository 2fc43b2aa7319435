package org.patchbay.core.internal.call;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.patchbay.api.call.CallRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes call records off the call executors, in batches, on one thread of its own. A failed write is retried
 * every second; {@link #close} writes what is left before it returns, so a clean stop loses nothing.
 */
final class CdrWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CdrWriter.class);
    private static final int BATCH = 200;

    private final CdrStore store;
    private final BlockingQueue<CallRecord> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closing;

    CdrWriter(CdrStore store) {
        this.store = store;
        this.thread = new Thread(this::run, "pb-cdr-writer");
        thread.setDaemon(true);
        thread.start();
    }

    void add(CallRecord record) {
        queue.add(record);
    }

    /** Records accepted but not yet written. */
    int backlog() {
        return queue.size();
    }

    private void run() {
        List<CallRecord> batch = new ArrayList<>();
        while (!closing || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    CallRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
                store.write(batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (SQLException | RuntimeException e) {
                LOG.error("call records: writing {} failed: {}; retrying in 1 s", batch.size(), e.getMessage());
                if (closing) {
                    break;
                }
                sleep();
            }
        }
        int lost = batch.size() + queue.size();
        if (lost > 0) {
            LOG.error("call records: {} not written (store unavailable at stop)", lost);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes the backlog (waiting at most {@code millis}) and stops the thread. */
    void close(long millis) {
        closing = true;
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
