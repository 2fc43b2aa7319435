package org.patchbay.media.internal.dtls;

import java.io.IOException;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Connects BouncyCastle's blocking DTLS to the media engine's socket: the demultiplexer
 * {@link #offer offers} the datagrams it classified as {@link PacketKind#DTLS} from the validated
 * remote address; BouncyCastle's handshake thread takes them in {@link #receive}; what BouncyCastle
 * sends goes to the {@link Sender} (the engine's socket, to the selected remote address).
 *
 * <p>The inbound queue is bounded ({@value #QUEUE_CAPACITY} datagrams); a flood is dropped and counted,
 * never buffered without limit. {@link #close} wakes a blocked {@code receive}, which then fails, so a
 * handshake ends promptly when its leg ends.
 */
public final class QueueDatagramTransport implements DatagramTransport {

    /** Where outbound DTLS records go. Called on the DTLS handshake thread. */
    @FunctionalInterface
    public interface Sender {
        void send(byte[] buf, int off, int len) throws IOException;
    }

    /** Datagrams buffered before new ones are dropped. */
    public static final int QUEUE_CAPACITY = 64;
    /** Largest datagram accepted and produced (a path MTU of 1280 minus IPv6 and UDP headers, RFC 8261 §5). */
    public static final int DEFAULT_MTU = 1232;

    private static final byte[] CLOSED = new byte[0];

    private final BlockingQueue<byte[]> inbound = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Sender sender;
    private final int mtu;
    private volatile boolean closed;
    private volatile long dropped;

    public QueueDatagramTransport(Sender sender, int mtu) {
        this.sender = sender;
        this.mtu = mtu;
    }

    /** Queues one received DTLS datagram (copied); returns false if it was dropped (full, oversized, closed). */
    public boolean offer(byte[] buf, int off, int len) {
        if (closed || len <= 0 || len > mtu || off < 0 || off + len > buf.length
                || !inbound.offer(Arrays.copyOfRange(buf, off, off + len))) {
            dropped++;
            return false;
        }
        return true;
    }

    /** Datagrams dropped by {@link #offer}. */
    public long dropped() {
        return dropped;
    }

    @Override
    public int getReceiveLimit() {
        return mtu;
    }

    @Override
    public int getSendLimit() {
        return mtu;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new SocketException("DTLS transport closed");
        }
        byte[] d;
        try {
            d = inbound.poll(Math.max(waitMillis, 0), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SocketException("interrupted");
        }
        if (d == null) {
            return -1;
        }
        if (d == CLOSED || closed) {
            throw new SocketException("DTLS transport closed");
        }
        int n = Math.min(d.length, len);
        System.arraycopy(d, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new SocketException("DTLS transport closed");
        }
        sender.send(buf, off, len);
    }

    @Override
    public void close() {
        closed = true;
        inbound.clear();
        inbound.offer(CLOSED);
    }
}
