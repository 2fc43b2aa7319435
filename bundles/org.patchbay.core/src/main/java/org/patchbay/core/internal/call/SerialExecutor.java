package org.patchbay.core.internal.call;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one call's tasks one at a time, in submission order, on a shared pool: a call never needs a lock and never
 * holds a pool thread while it has nothing to do.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            try {
                pool.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // the manager is stopping: nothing runs any more
                tasks.clear();
                pending.set(0);
            }
        }
    }

    private void drain() {
        do {
            Runnable task = tasks.poll();
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("call task failed", e);
            }
        } while (pending.decrementAndGet() > 0);
    }
}
