package org.patchbay.media.internal.relay;

import java.nio.ByteBuffer;

/**
 * Reads what the relay needs from a compound RTCP packet (RFC 3550 §6.4) without copying: the NTP time of a sender
 * report and the first report block of an SR or RR. Absolute reads only, so the buffer is left as it was for relaying.
 */
final class Rtcp {
    static final int SR = 200;
    static final int RR = 201;

    /** What one compound packet said; reused by its loop thread. */
    static final class Report {
        boolean senderReport;
        /** Middle 32 bits of the SR's NTP timestamp (the value an LSR echoes). */
        long ntpMiddle;
        boolean block;
        long cumulativeLost;
        long jitter;
        long lsr;
        long dlsr;

        void clear() {
            senderReport = false;
            block = false;
        }
    }

    private Rtcp() {
    }

    /** Parses {@code buf} between position and limit into {@code out}; false when it is not valid RTCP. */
    static boolean read(ByteBuffer buf, Report out) {
        out.clear();
        int pos = buf.position();
        int end = buf.limit();
        boolean any = false;
        while (pos + 8 <= end) {
            int b0 = buf.get(pos) & 0xff;
            if (b0 >>> 6 != 2) {
                return false;
            }
            int count = b0 & 0x1f;
            int type = buf.get(pos + 1) & 0xff;
            int length = ((buf.getShort(pos + 2) & 0xffff) + 1) * 4;
            if (pos + length > end) {
                return false;
            }
            int blocks = -1;
            if (type == SR && length >= 28) {
                out.senderReport = true;
                out.ntpMiddle = ((buf.getInt(pos + 8) & 0xffffL) << 16) | ((buf.getInt(pos + 12) >>> 16) & 0xffffL);
                blocks = pos + 28;
            } else if (type == RR) {
                blocks = pos + 8;
            }
            if (blocks > 0 && count > 0 && !out.block && blocks + 24 <= pos + length) {
                out.block = true;
                int lost = buf.getInt(blocks + 4) & 0xffffff;
                out.cumulativeLost = (lost & 0x800000) != 0 ? lost - 0x1000000 : lost;
                out.jitter = buf.getInt(blocks + 12) & 0xffffffffL;
                out.lsr = buf.getInt(blocks + 16) & 0xffffffffL;
                out.dlsr = buf.getInt(blocks + 20) & 0xffffffffL;
            }
            any = true;
            pos += length;
        }
        return any;
    }
}
