package org.patchbay.media.internal.relay;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/** A party on loopback with real RTP and RTCP sockets (not a pair: the OS picks both ports). */
final class Phone implements AutoCloseable {
    final DatagramSocket rtp;
    final DatagramSocket rtcp;
    final long ssrc;
    int seq;

    Phone(long ssrc) throws IOException {
        this.rtp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.rtcp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.ssrc = ssrc;
        rtp.setSoTimeout(1000);
        rtcp.setSoTimeout(1000);
    }

    /** An SDP offering PCMU and telephone-event on this phone's ports. */
    String sdp(String... extra) {
        return sdpAt("127.0.0.1", extra);
    }

    String sdpAt(String address, String... extra) {
        StringBuilder sb = new StringBuilder("v=0\r\no=p " + ssrc + " 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 " + address
                + "\r\nt=0 0\r\nm=audio " + rtp.getLocalPort() + " RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=rtcp:" + rtcp.getLocalPort() + "\r\n");
        for (String e : extra) {
            sb.append(e).append("\r\n");
        }
        return sb.toString();
    }

    static int port(String sdp) {
        for (String line : sdp.split("\r\n")) {
            if (line.startsWith("m=audio ")) {
                return Integer.parseInt(line.split(" ")[1]);
            }
        }
        throw new AssertionError("no m=audio in " + sdp);
    }

    static byte[] rtpPacket(int pt, int seq, long ts, long ssrc, int payload) {
        ByteBuffer b = ByteBuffer.allocate(12 + payload);
        b.put((byte) 0x80).put((byte) pt).putShort((short) seq).putInt((int) ts).putInt((int) ssrc);
        return b.array();
    }

    void send(int nodePort, int pt) throws IOException {
        byte[] p = rtpPacket(pt, seq, seq * 160L, ssrc, 160);
        seq++;
        rtp.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), nodePort));
    }

    void sendRaw(DatagramSocket from, byte[] p, int nodePort) throws IOException {
        from.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), nodePort));
    }

    /** The next datagram on {@code s}, or null within {@code millis}. */
    static DatagramPacket receive(DatagramSocket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        try {
            s.receive(p);
            return p;
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    @Override
    public void close() {
        rtp.close();
        rtcp.close();
    }
}
