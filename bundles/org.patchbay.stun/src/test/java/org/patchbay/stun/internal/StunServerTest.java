package org.patchbay.stun.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The server on real sockets: UDP over IPv4 and IPv6, TCP framing, drops and per-source throttling. */
class StunServerTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void answersBindingOverUdpIpv4() throws Exception {
        try (StunServer s = new StunServer(new InetSocketAddress(0), false, 0, "Patchbay");
                DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] tid = tid();
            byte[] resp = exchange(c, request(tid), new InetSocketAddress("127.0.0.1", s.udpPort()));
            assertNotNull(resp, "a Binding response");
            assertMapped(resp, tid, new InetSocketAddress(InetAddress.getLoopbackAddress(), c.getLocalPort()));
            assertEquals(1, s.answered.get());
        }
    }

    @Test
    void answersBindingOverUdpIpv6() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (StunServer s = new StunServer(new InetSocketAddress(0), false, 0, "Patchbay")) {
            DatagramSocket c;
            try {
                c = new DatagramSocket(0, v6);
            } catch (IOException e) {
                Assumptions.abort("no IPv6 loopback here: " + e);
                return;
            }
            try (c) {
                byte[] tid = tid();
                byte[] resp = exchange(c, request(tid), new InetSocketAddress(v6, s.udpPort()));
                assertNotNull(resp, "a Binding response over IPv6");
                assertEquals(52, resp.length);
                assertMapped(resp, tid, new InetSocketAddress(v6, c.getLocalPort()));
            }
        }
    }

    @Test
    void dropsMalformedAndCountsThem() throws Exception {
        try (StunServer s = new StunServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false, 0, "x");
                DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.udpPort());
            byte[] notStun = "OPTIONS sip:x SIP/2.0\r\n\r\n".getBytes();
            assertNull(exchange(c, notStun, to, 300));
            byte[] badLength = request(tid());
            badLength[3] = 8;
            assertNull(exchange(c, badLength, to, 300));
            assertEquals(2, s.malformed.get());
            assertEquals(0, s.answered.get());
            assertNotNull(exchange(c, request(tid()), to), "still answering after junk");
        }
    }

    @Test
    void throttlesAFloodingSource() throws Exception {
        try (StunServer s = new StunServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false, 5, "x");
                DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.udpPort());
            for (int i = 0; i < 60; i++) {
                byte[] r = request(tid());
                c.send(new DatagramPacket(r, r.length, to));
            }
            c.setSoTimeout(500);
            int got = 0;
            try {
                while (true) {
                    c.receive(new DatagramPacket(new byte[100], 100));
                    got++;
                }
            } catch (SocketTimeoutException done) {
                // all answers read
            }
            // burst of 10 plus what 5/s refills while the 60 arrive
            assertTrue(got >= 10 && got < 20, "answered " + got + " of 60");
            assertEquals(60, s.answered.get() + s.throttled.get());
            assertEquals(got, s.answered.get());
        }
    }

    @Test
    void answersOverTcpWithBackToBackFraming() throws Exception {
        try (StunServer s = new StunServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), true, 0, "x");
                Socket c = new Socket(InetAddress.getLoopbackAddress(), s.tcpPort())) {
            c.setSoTimeout(5000);
            byte[] t1 = tid();
            byte[] t2 = tid();
            byte[] two = new byte[40];
            System.arraycopy(request(t1), 0, two, 0, 20);
            System.arraycopy(request(t2), 0, two, 20, 20);
            c.getOutputStream().write(two);
            DataInputStream in = new DataInputStream(c.getInputStream());
            InetSocketAddress me = new InetSocketAddress(InetAddress.getLoopbackAddress(), c.getLocalPort());
            for (byte[] t : new byte[][] {t1, t2}) {
                byte[] r = new byte[40];
                in.readFully(r);
                assertMapped(r, t, me);
            }
            assertEquals(1, s.tcpConnections.get());
        }
    }

    static byte[] tid() {
        byte[] t = new byte[12];
        RANDOM.nextBytes(t);
        return t;
    }

    static byte[] request(byte[] tid) {
        return ByteBuffer.allocate(20).putShort((short) 1).putShort((short) 0).putInt(StunCodec.MAGIC_COOKIE).put(tid).array();
    }

    static byte[] exchange(DatagramSocket c, byte[] req, InetSocketAddress to) throws IOException {
        return exchange(c, req, to, 5000);
    }

    static byte[] exchange(DatagramSocket c, byte[] req, InetSocketAddress to, int timeout) throws IOException {
        c.send(new DatagramPacket(req, req.length, to));
        c.setSoTimeout(timeout);
        DatagramPacket p = new DatagramPacket(new byte[600], 600);
        try {
            c.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        byte[] out = new byte[p.getLength()];
        System.arraycopy(p.getData(), 0, out, 0, out.length);
        return out;
    }

    /** Decodes XOR-MAPPED-ADDRESS independently of the codec and checks the FINGERPRINT. */
    static void assertMapped(byte[] r, byte[] tid, InetSocketAddress expected) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(r);
        assertEquals(0x0101, b.getShort(0) & 0xFFFF);
        assertEquals(r.length - 20, b.getShort(2));
        assertEquals(StunCodec.MAGIC_COOKIE, b.getInt(4));
        byte[] got = new byte[12];
        System.arraycopy(r, 8, got, 0, 12);
        assertArrayEquals(tid, got);
        assertEquals(0x0020, b.getShort(20));
        int family = r[25];
        int port = (b.getShort(26) & 0xFFFF) ^ 0x2112;
        byte[] key = ByteBuffer.allocate(16).putInt(StunCodec.MAGIC_COOKIE).put(tid).array();
        byte[] addr = new byte[family == 1 ? 4 : 16];
        for (int i = 0; i < addr.length; i++) {
            addr[i] = (byte) (r[28 + i] ^ key[i]);
        }
        assertEquals(expected, new InetSocketAddress(InetAddress.getByAddress(addr), port));
        assertEquals(0x8028, b.getShort(r.length - 8) & 0xFFFF);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(r, 0, r.length - 8);
        assertEquals((int) crc.getValue() ^ 0x5354554E, b.getInt(r.length - 4));
    }
}
