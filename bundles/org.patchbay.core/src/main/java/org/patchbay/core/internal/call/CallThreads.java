package org.patchbay.core.internal.call;

import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the calls run on: a small pool ({@code pb-call-N}) shared by every call's serial executor, and one timer
 * thread ({@code pb-call-timer-1}) whose tasks only hand work on to a call's executor. Daemon threads.
 */
final class CallThreads {
    private final ThreadPoolExecutor pool;
    private final ScheduledThreadPoolExecutor timers;

    CallThreads(int threads) {
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                named("pb-call-"));
        this.timers = new ScheduledThreadPoolExecutor(1, named("pb-call-timer-"));
        timers.setRemoveOnCancelPolicy(true);
    }

    /** A new call's executor: its tasks run one at a time, in order, on the pool. */
    Executor serialExecutor() {
        return new SerialExecutor(pool);
    }

    Future<?> schedule(Runnable task, long millis) {
        return timers.schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    /** Grows or shrinks the pool; the core size never exceeds the maximum on the way. */
    void resize(int threads) {
        if (threads > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(threads);
            pool.setCorePoolSize(threads);
        } else {
            pool.setCorePoolSize(threads);
            pool.setMaximumPoolSize(threads);
        }
    }

    /** Drops pending timers, lets queued call tasks run for up to 2 s, then interrupts what is left. */
    void shutdown() {
        timers.shutdownNow();
        pool.shutdown();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
