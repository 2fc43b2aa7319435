package org.patchbay.stun.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The small part of STUN (RFC 8489) a Binding server needs: checks that a packet is a well-formed Binding request and
 * writes the success response. Nothing else of STUN is understood; attributes of a request are only walked to check
 * their framing and an optional FINGERPRINT.
 */
final class StunCodec {
    static final int HEADER = 20;
    static final int MAGIC_COOKIE = 0x2112A442;
    static final int BINDING_REQUEST = 0x0001;
    static final int BINDING_SUCCESS = 0x0101;
    static final int XOR_MAPPED_ADDRESS = 0x0020;
    static final int SOFTWARE = 0x8022;
    static final int FINGERPRINT = 0x8028;
    static final int FINGERPRINT_XOR = 0x5354554E;
    /** Largest request looked at: a Binding request never needs more (RFC 8489 §6.1 suggests 548 bytes for UDP). */
    static final int MAX_REQUEST = 548;

    private StunCodec() {
    }

    /** Why a packet is not a Binding request this server answers. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * The transaction id (12 bytes) of a well-formed Binding request in {@code buf[0..len)}.
     *
     * @throws Malformed naming the first thing wrong
     */
    static byte[] parseBindingRequest(byte[] buf, int len) throws Malformed {
        if (len < HEADER) {
            throw new Malformed("short packet (" + len + " bytes)");
        }
        if (len > MAX_REQUEST) {
            throw new Malformed("oversized packet (" + len + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
        int type = b.getShort(0) & 0xFFFF;
        int length = b.getShort(2) & 0xFFFF;
        if ((type & 0xC000) != 0) {
            throw new Malformed("not STUN (first two bits set)");
        }
        if (b.getInt(4) != MAGIC_COOKIE) {
            throw new Malformed("no magic cookie (RFC 3489 or not STUN)");
        }
        if (length != len - HEADER || (length & 3) != 0) {
            throw new Malformed("length " + length + " does not match a " + len + "-byte packet");
        }
        if (type != BINDING_REQUEST) {
            throw new Malformed(String.format("message type 0x%04x is not a Binding request", type));
        }
        int pos = HEADER;
        while (pos < len) {
            if (pos + 4 > len) {
                throw new Malformed("truncated attribute header at " + pos);
            }
            int atype = b.getShort(pos) & 0xFFFF;
            int alen = b.getShort(pos + 2) & 0xFFFF;
            int next = pos + 4 + ((alen + 3) & ~3);
            if (next > len) {
                throw new Malformed(String.format("attribute 0x%04x overruns the packet", atype));
            }
            if (atype == FINGERPRINT) {
                if (alen != 4 || next != len) {
                    throw new Malformed("FINGERPRINT not last or not 4 bytes");
                }
                if (b.getInt(pos + 4) != fingerprint(buf, 0, pos)) {
                    throw new Malformed("FINGERPRINT mismatch");
                }
            }
            pos = next;
        }
        byte[] tid = new byte[12];
        System.arraycopy(buf, 8, tid, 0, 12);
        return tid;
    }

    /**
     * The Binding success response for {@code source}: XOR-MAPPED-ADDRESS, SOFTWARE only when the response with it
     * is still no larger than the request ({@code requestLength}; so a bare 20-byte request never gets more than
     * 52 bytes back), FINGERPRINT always.
     */
    static byte[] bindingSuccess(byte[] tid, InetSocketAddress source, byte[] software, int requestLength) {
        InetAddress a = source.getAddress();
        byte[] addr = a.getAddress();
        int xmaLen = 4 + addr.length;
        int softPadded = (software.length + 3) & ~3;
        int size = HEADER + 4 + xmaLen + 8;
        boolean withSoftware = software.length > 0 && size + 4 + softPadded <= requestLength;
        if (withSoftware) {
            size += 4 + softPadded;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort((short) BINDING_SUCCESS).putShort((short) (size - HEADER)).putInt(MAGIC_COOKIE).put(tid);
        b.putShort((short) XOR_MAPPED_ADDRESS).putShort((short) xmaLen);
        b.put((byte) 0).put((byte) (a instanceof Inet4Address ? 0x01 : 0x02));
        b.putShort((short) (source.getPort() ^ (MAGIC_COOKIE >>> 16)));
        byte[] key = new byte[16];
        ByteBuffer.wrap(key).putInt(MAGIC_COOKIE).put(tid);
        for (int i = 0; i < addr.length; i++) {
            b.put((byte) (addr[i] ^ key[i]));
        }
        if (withSoftware) {
            b.putShort((short) SOFTWARE).putShort((short) software.length).put(software);
            for (int i = software.length; i < softPadded; i++) {
                b.put((byte) 0x20);
            }
        }
        int fpAt = b.position();
        b.putShort((short) FINGERPRINT).putShort((short) 4).putInt(fingerprint(b.array(), 0, fpAt));
        return b.array();
    }

    /** CRC-32 of {@code buf[off..off+len)} XOR 0x5354554E (RFC 8489 §14.7); the length field must already count it. */
    static int fingerprint(byte[] buf, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(buf, off, len);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    static byte[] software(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= 128 ? b : java.util.Arrays.copyOf(b, 128);
    }

    /** Length of the STUN message starting at {@code buf[0..4)} (header + body), for framing over TCP. */
    static int frameLength(byte[] header4) {
        return HEADER + (((header4[2] & 0xFF) << 8) | (header4[3] & 0xFF));
    }
}
