package org.patchbay.media.internal.dtls;

/**
 * What a datagram on a bundled WebRTC port is, by its first byte (RFC 7983 §7): 0-3 STUN, 20-63 DTLS,
 * 128-191 RTP/RTCP; everything else (ZRTP 16-19, TURN channels 64-79, the rest) is {@link #UNKNOWN}
 * and is dropped.
 */
public enum PacketKind {
    STUN, DTLS, RTP, UNKNOWN;

    /** Classifies {@code buf[off, off+len)}; an empty or out-of-bounds range is {@link #UNKNOWN}. */
    public static PacketKind of(byte[] buf, int off, int len) {
        if (len <= 0 || off < 0 || off + len > buf.length) {
            return UNKNOWN;
        }
        int b = buf[off] & 0xff;
        if (b <= 3) {
            return STUN;
        }
        if (b >= 20 && b <= 63) {
            return DTLS;
        }
        if (b >= 128 && b <= 191) {
            return RTP;
        }
        return UNKNOWN;
    }

    /**
     * Whether an RTP-class packet is RTCP under rtcp-mux (RFC 5761 §4): payload type byte 192-223
     * (SR 200, RR 201, SDES 202, BYE 203, APP 204, RTPFB 205, PSFB 206, ...).
     */
    public static boolean isRtcp(byte[] buf, int off, int len) {
        if (len < 2 || off < 0 || off + len > buf.length) {
            return false;
        }
        int pt = buf[off + 1] & 0xff;
        return pt >= 192 && pt <= 223;
    }
}
