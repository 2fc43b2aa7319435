package org.patchbay.media.internal.srtp;

/** Bounds-checked reads of the fixed RTP header fields SRTP needs (RFC 3550 §5.1). */
final class RtpHeader {

    private RtpHeader() {
    }

    /**
     * The header length including CSRCs and extension, or -1 if {@code buf[off, off+len)} is not a
     * version 2 RTP packet whose header fits in {@code len}.
     */
    static int length(byte[] buf, int off, int len) {
        if (off < 0 || len < 12 || off + len > buf.length || (buf[off] & 0xc0) != 0x80) {
            return -1;
        }
        int hdr = 12 + 4 * (buf[off] & 0x0f);
        if ((buf[off] & 0x10) != 0) {
            if (hdr + 4 > len) {
                return -1;
            }
            hdr += 4 + 4 * (((buf[off + hdr + 2] & 0xff) << 8) | (buf[off + hdr + 3] & 0xff));
        }
        return hdr <= len ? hdr : -1;
    }

    static int sequence(byte[] buf, int off) {
        return ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff);
    }

    static int ssrc(byte[] buf, int off) {
        return readInt(buf, off + 8);
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
