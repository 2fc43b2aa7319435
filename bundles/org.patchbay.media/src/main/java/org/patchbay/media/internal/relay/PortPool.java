package org.patchbay.media.internal.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.BitSet;

import org.patchbay.api.media.MediaUnavailableException;

/**
 * The node's media port range as pairs: an even RTP port and the odd RTCP port above it (RFC 3550 §11). Pairs are
 * handed out round robin, so a port just released is not reused at once (late packets of the old call). A pair
 * whose ports another process holds is skipped.
 */
final class PortPool {

    /** One allocated pair with its two bound, non-blocking channels. */
    record Pair(int index, int rtpPort, DatagramChannel rtp, DatagramChannel rtcp) {
    }

    private final String host;
    private final int first;
    private final int count;
    private final BitSet used;
    private int cursor;
    private int inUse;

    /** Pairs from the first even port ≥ {@code min} up to {@code max}. */
    PortPool(String host, int min, int max) {
        this.host = host;
        this.first = min % 2 == 0 ? min : min + 1;
        this.count = Math.max(0, (max - first + 1) / 2);
        if (count == 0) {
            throw new IllegalArgumentException("port range " + min + "-" + max + " holds no RTP/RTCP pair");
        }
        this.used = new BitSet(count);
    }

    synchronized Pair allocate() {
        for (int i = 0; i < count; i++) {
            int index = (cursor + i) % count;
            if (used.get(index)) {
                continue;
            }
            Pair p = bind(index);
            if (p != null) {
                used.set(index);
                inUse++;
                cursor = (index + 1) % count;
                return p;
            }
        }
        throw new MediaUnavailableException("no free RTP port pair in " + first + "-" + (first + 2 * count - 1)
                + " (" + inUse + " in use)");
    }

    synchronized void release(Pair p) {
        if (used.get(p.index())) {
            used.clear(p.index());
            inUse--;
        }
    }

    synchronized int inUse() {
        return inUse;
    }

    int capacity() {
        return count;
    }

    private Pair bind(int index) {
        int port = first + 2 * index;
        DatagramChannel rtp = null;
        DatagramChannel rtcp = null;
        try {
            rtp = open(port);
            rtcp = open(port + 1);
            return new Pair(index, port, rtp, rtcp);
        } catch (IOException e) {
            close(rtp);
            close(rtcp);
            return null;
        }
    }

    private DatagramChannel open(int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open(host.indexOf(':') >= 0 ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET);
        try {
            ch.bind(new InetSocketAddress(host, port));
            ch.configureBlocking(false);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    static void close(DatagramChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing a datagram channel only fails when it is already gone
            }
        }
    }
}
