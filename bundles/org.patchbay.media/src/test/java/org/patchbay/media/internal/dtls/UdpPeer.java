package org.patchbay.media.internal.dtls;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test stand-in for the media engine's socket loop: a real UDP socket on 127.0.0.1 whose reader
 * thread demultiplexes by first byte (RFC 7983) and feeds DTLS datagrams to a {@link QueueDatagramTransport}.
 */
final class UdpPeer implements AutoCloseable {

    final DatagramSocket socket;
    final QueueDatagramTransport transport;
    final AtomicInteger notDtls = new AtomicInteger();
    private volatile InetSocketAddress remote;
    private final Thread reader;

    UdpPeer() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(50);
        transport = new QueueDatagramTransport(
                (b, off, len) -> socket.send(new DatagramPacket(b, off, len, remote)), QueueDatagramTransport.DEFAULT_MTU);
        reader = new Thread(this::read, "test-udp-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void remote(InetSocketAddress remote) {
        this.remote = remote;
    }

    private void read() {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!socket.isClosed()) {
            try {
                p.setLength(buf.length);
                socket.receive(p);
                if (PacketKind.of(buf, 0, p.getLength()) == PacketKind.DTLS) {
                    transport.offer(buf, 0, p.getLength());
                } else {
                    notDtls.incrementAndGet();
                }
            } catch (SocketTimeoutException e) {
                // poll the closed flag
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        transport.close();
        socket.close();
        reader.join(1000);
    }
}
