package org.patchbay.media.internal.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One media thread: a selector over the channels of the calls it owns. Both legs of a call live on the same loop, so
 * a packet is received and relayed on one thread without locks, through one preallocated direct buffer. Other threads
 * hand work in through {@link #execute}. Every second it runs the media timeout check of its calls.
 */
final class MediaLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(MediaLoop.class);
    private static final int BUFFER = 8192;
    private static final int BURST = 32;
    private static final long CHECK_NANOS = 1_000_000_000L;
    private static final MediaCall[] NO_CALLS = {};

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    // replaced on every change (signalling threads, synchronized): the checks iterate it without allocating
    private volatile MediaCall[] calls = NO_CALLS;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    private final Rtcp.Report report = new Rtcp.Report();
    private final TimeoutCheck check;
    // one instance for the loop's life: select(Consumer) then allocates nothing per ready key
    private final Consumer<SelectionKey> onKey = this::ready;
    private volatile boolean running = true;
    private long lastCheck = System.nanoTime();

    /** What the loop asks of the engine once a second. */
    interface TimeoutCheck {
        void check(MediaCall call, long now);
    }

    MediaLoop(String name, TimeoutCheck check) throws IOException {
        this.selector = Selector.open();
        this.check = check;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    synchronized void adopt(MediaCall call) {
        MediaCall[] c = calls;
        if (Arrays.asList(c).contains(call)) {
            return;
        }
        MediaCall[] more = Arrays.copyOf(c, c.length + 1);
        more[c.length] = call;
        calls = more;
    }

    synchronized void forget(MediaCall call) {
        MediaCall[] c = calls;
        int i = Arrays.asList(c).indexOf(call);
        if (i < 0) {
            return;
        }
        MediaCall[] fewer = Arrays.copyOf(c, c.length - 1);
        System.arraycopy(c, i + 1, fewer, i, c.length - i - 1);
        calls = fewer;
    }

    int calls() {
        return calls.length;
    }

    boolean alive() {
        return thread.isAlive();
    }

    /** Registers the endpoint's two channels (on this thread). */
    void register(Endpoint e) {
        execute(() -> {
            try {
                e.rtp().register(selector, SelectionKey.OP_READ, e);
                e.rtcp().register(selector, SelectionKey.OP_READ, e);
            } catch (ClosedChannelException ex) {
                // released before it was registered: nothing to listen to
            }
        });
    }

    @Override
    public void run() {
        while (running) {
            try {
                selector.select(onKey, 250);
                runTasks();
                long now = System.nanoTime();
                if (now - lastCheck >= CHECK_NANOS) {
                    lastCheck = now;
                    for (MediaCall c : calls) {
                        check.check(c, now);
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOG.warn("media loop {}: {}", thread.getName(), e.toString());
                }
            }
        }
        runTasks();
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("media loop {}: selector close failed: {}", thread.getName(), e.toString());
        }
    }

    private void runTasks() {
        for (Runnable r; (r = tasks.poll()) != null;) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("media loop {}: task failed: {}", thread.getName(), e.toString());
            }
        }
    }

    private void ready(SelectionKey key) {
        if (key.isValid() && key.isReadable()) {
            read(key);
        }
    }

    private void read(SelectionKey key) {
        Endpoint e = (Endpoint) key.attachment();
        DatagramChannel ch = (DatagramChannel) key.channel();
        boolean rtcpPort = ch == e.rtcp();
        long now = System.nanoTime();
        for (int i = 0; i < BURST; i++) {
            buf.clear();
            InetSocketAddress source;
            try {
                source = (InetSocketAddress) ch.receive(buf);
            } catch (IOException ex) {
                return;
            }
            if (source == null) {
                return;
            }
            buf.flip();
            e.receive(buf, source, rtcpPort, now, report);
        }
    }

    /**
     * On the loop thread, after channels were closed: a channel registered with a selector keeps its port until the
     * selector drops the cancelled key, so run a selection now (ready keys are served as usual).
     */
    void dropClosed() {
        if (!onLoopThread() || !selector.isOpen()) {
            return;
        }
        try {
            selector.selectNow(onKey);
        } catch (IOException e) {
            LOG.debug("media loop {}: selectNow failed: {}", thread.getName(), e.toString());
        }
    }

    /** Stops the thread and closes the selector; waits up to {@code millis}. */
    void stop(long millis) {
        running = false;
        selector.wakeup();
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean onLoopThread() {
        return Thread.currentThread() == thread;
    }
}
