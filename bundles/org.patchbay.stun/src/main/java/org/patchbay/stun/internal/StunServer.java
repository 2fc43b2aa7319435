package org.patchbay.stun.internal;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STUN Binding server on one UDP socket and, optionally, one TCP listener (RFC 8489 §6.2.2 framing: messages back to
 * back). Every request passes the per-source {@link RateLimiter}; malformed ones are dropped silently on the wire and
 * logged at most once per {@link #LOG_INTERVAL_NANOS} (one line, with how many were suppressed).
 */
final class StunServer implements AutoCloseable {
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    static final int MAX_TCP_CONNECTIONS = 16;
    static final int TCP_IDLE_MILLIS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(StunServer.class);

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final RateLimiter limiter;
    private final byte[] software;
    private final ExecutorService tcpWorkers;
    private final Thread udpThread;
    private final Thread tcpThread;
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    final AtomicLong answered = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong throttled = new AtomicLong();
    final AtomicLong tcpConnections = new AtomicLong();
    private final Object logLock = new Object();
    private long lastLog = System.nanoTime() - LOG_INTERVAL_NANOS;
    private long suppressed;

    /** Binds at once; throws if the UDP port (or the TCP port, when {@code withTcp}) cannot be bound. */
    StunServer(InetSocketAddress bind, boolean withTcp, int perSecond, String software) throws IOException {
        this.limiter = new RateLimiter(perSecond, 10_000);
        this.software = StunCodec.software(software);
        udp = new DatagramSocket(null);
        try {
            udp.bind(bind);
        } catch (IOException e) {
            udp.close();
            throw bindFailure("UDP", e);
        }
        try {
            tcp = withTcp ? new ServerSocket(udp.getLocalPort() == 0 ? 0 : udp.getLocalPort(), 50, bind.getAddress()) : null;
        } catch (IOException e) {
            udp.close();
            throw bindFailure("TCP", e);
        }
        tcpWorkers = new ThreadPoolExecutor(0, MAX_TCP_CONNECTIONS, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> new Thread(r, "pb-stun-tcp-conn"));
        udpThread = new Thread(this::udpLoop, "pb-stun-udp");
        udpThread.start();
        if (tcp != null) {
            tcpThread = new Thread(this::tcpLoop, "pb-stun-tcp");
            tcpThread.start();
        } else {
            tcpThread = null;
        }
    }

    int udpPort() {
        return udp.getLocalPort();
    }

    int tcpPort() {
        return tcp == null ? -1 : tcp.getLocalPort();
    }

    String bound() {
        String a = udp.getLocalAddress().isAnyLocalAddress() ? "*" : udp.getLocalAddress().getHostAddress();
        return "udp " + a + ":" + udpPort() + (tcp == null ? "" : ", tcp " + a + ":" + tcpPort());
    }

    int trackedSources() {
        return limiter.sources();
    }

    private void udpLoop() {
        byte[] buf = new byte[StunCodec.MAX_REQUEST + 1];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                p.setLength(buf.length);
                udp.receive(p);
                InetSocketAddress src = (InetSocketAddress) p.getSocketAddress();
                byte[] out = answer(buf, p.getLength(), src, "udp");
                if (out != null) {
                    udp.send(new DatagramPacket(out, out.length, src));
                }
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("stun: udp receive/send failed: {}", e.toString());
                }
            } catch (RuntimeException e) {
                LOG.warn("stun: packet dropped by an internal error: {}", e.toString());
            }
        }
    }

    private void tcpLoop() {
        while (!closed) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("stun: tcp accept failed: {}", e.toString());
                }
                continue;
            }
            tcpConnections.incrementAndGet();
            try {
                tcpWorkers.execute(() -> serve(s));
            } catch (RejectedExecutionException e) {
                throttled.incrementAndGet();
                closeQuietly(s);
            }
        }
    }

    private void serve(Socket s) {
        open.add(s);
        try (s) {
            if (closed) {
                return;
            }
            s.setSoTimeout(TCP_IDLE_MILLIS);
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            InetSocketAddress src = (InetSocketAddress) s.getRemoteSocketAddress();
            byte[] buf = new byte[StunCodec.MAX_REQUEST];
            while (!closed) {
                in.readFully(buf, 0, 4);
                int len = StunCodec.frameLength(buf);
                if (len > StunCodec.MAX_REQUEST || (buf[0] & 0xC0) != 0) {
                    dropped(src, "tcp", "not a STUN frame (length " + len + ")");
                    return;
                }
                in.readFully(buf, 4, len - 4);
                byte[] resp = answer(buf, len, src, "tcp");
                if (resp == null) {
                    return;
                }
                out.write(resp);
                out.flush();
            }
        } catch (EOFException | SocketException e) {
            // peer closed, or the server is closing
        } catch (IOException e) {
            // idle timeout or reset: the connection just ends
        } finally {
            open.remove(s);
        }
    }

    /** The response to send, or null when the packet is dropped (malformed or throttled). */
    byte[] answer(byte[] buf, int len, InetSocketAddress src, String transport) {
        byte[] tid;
        try {
            tid = StunCodec.parseBindingRequest(buf, len);
        } catch (StunCodec.Malformed m) {
            dropped(src, transport, m.getMessage());
            return null;
        }
        if (!limiter.allow(src.getAddress(), System.nanoTime())) {
            if (throttled.incrementAndGet() % 1000 == 1) {
                logLimited("stun: throttling " + src.getAddress().getHostAddress() + " (" + transport
                        + "): over the per-source rate, requests dropped");
            }
            return null;
        }
        answered.incrementAndGet();
        return StunCodec.bindingSuccess(tid, src, software, len);
    }

    private void dropped(InetSocketAddress src, String transport, String why) {
        malformed.incrementAndGet();
        logLimited("stun: dropped a packet from " + src.getAddress().getHostAddress() + ":" + src.getPort() + " ("
                + transport + "): " + why);
    }

    private void logLimited(String line) {
        long now = System.nanoTime();
        long skipped;
        synchronized (logLock) {
            if (now - lastLog < LOG_INTERVAL_NANOS) {
                suppressed++;
                return;
            }
            lastLog = now;
            skipped = suppressed;
            suppressed = 0;
        }
        LOG.info(skipped == 0 ? "{}" : "{} ({} similar lines suppressed)", line, skipped);
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        closeQuietly(tcp);
        tcpWorkers.shutdownNow();
        open.forEach(StunServer::closeQuietly);
        join(udpThread);
        join(tcpThread);
        try {
            tcpWorkers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The failure with the protocol in front of the JDK's message, e.g. "UDP: Address already in use". */
    private static IOException bindFailure(String protocol, IOException e) {
        IOException named = new BindException(protocol + ": " + e.getMessage());
        named.initCause(e);
        return named;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do
        }
    }
}
