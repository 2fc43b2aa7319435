package org.patchbay.shell.internal.telnet;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A line-mode telnet server for the Gogo shell: one acceptor thread, and one pool thread per session up
 * to {@code maxSessions}; a connection beyond that gets one line and is closed. {@link #close()} closes
 * the listening socket and every session and waits for all of its threads to end.
 */
final class TelnetServer implements Closeable {
    static final String THREAD_PREFIX = "pb-telnet-";
    static final String TOO_MANY = "too many sessions";

    /** What the server needs; checked by the component that builds it. */
    record Settings(InetSocketAddress address, int maxSessions, Duration idleTimeout, int maxLineBytes) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(TelnetServer.class);
    private static final long CLOSE_WAIT_MS = 5_000;

    private final CommandProcessor processor;
    private final Settings settings;
    private final Set<TelnetSession> sessions = new HashSet<>();
    private final ThreadPoolExecutor pool;
    private ServerSocket serverSocket;
    private Thread acceptor;
    private volatile boolean closed;

    TelnetServer(CommandProcessor processor, Settings settings) {
        this.processor = processor;
        this.settings = settings;
        this.pool = new ThreadPoolExecutor(settings.maxSessions(), settings.maxSessions(), 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads(THREAD_PREFIX + "session-"));
        pool.allowCoreThreadTimeOut(true);
    }

    /** Binds and starts accepting. */
    void start() throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(settings.address());
        } catch (IOException e) {
            socket.close();
            pool.shutdown();
            throw e;
        }
        serverSocket = socket;
        acceptor = threads(THREAD_PREFIX + "accept-").newThread(this::acceptLoop);
        acceptor.start();
    }

    /** The bound address (with the real port when 0 was asked for). */
    InetSocketAddress localAddress() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    int sessionCount() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                admit(serverSocket.accept());
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("telnet console: accept failed: {}", e.toString());
                    pause();
                }
            }
        }
    }

    private void admit(Socket socket) {
        TelnetSession session = null;
        synchronized (sessions) {
            if (!closed && sessions.size() < settings.maxSessions()) {
                session = new TelnetSession(socket, processor, settings.idleTimeout(), settings.maxLineBytes(),
                        this::ended);
                sessions.add(session);
            }
        }
        if (session == null) {
            refuse(socket);
            return;
        }
        LOG.info("telnet session opened from {}", session.peer());
        try {
            pool.execute(session);
        } catch (RejectedExecutionException e) {
            // close() shut the pool down between the check and here
            ended(session);
            session.close();
        }
    }

    private void ended(TelnetSession session) {
        synchronized (sessions) {
            sessions.remove(session);
        }
    }

    private void refuse(Socket socket) {
        try (socket; OutputStream out = socket.getOutputStream()) {
            out.write((TOO_MANY + " (at most " + settings.maxSessions() + "), try again later\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            LOG.debug("refusing telnet connection: {}", e.toString());
        }
        LOG.warn("telnet connection from {} refused: {} (at most {})", socket.getRemoteSocketAddress(), TOO_MANY,
                settings.maxSessions());
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (serverSocket != null) {
                serverSocket.close();
            }
        } catch (IOException e) {
            LOG.debug("closing the telnet server socket: {}", e.toString());
        }
        List<TelnetSession> open;
        synchronized (sessions) {
            open = List.copyOf(sessions);
        }
        open.forEach(TelnetSession::close);
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("telnet console: {} session(s) did not end within {} ms", pool.getActiveCount(),
                        CLOSE_WAIT_MS);
            }
            if (acceptor != null) {
                acceptor.join(CLOSE_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pause() {
        try {
            Thread.sleep(100); // e.g. out of file descriptors: do not spin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
