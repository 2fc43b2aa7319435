package org.patchbay.media.internal.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SrtpContextTest {

    private static final int SSRC = 0x11223344;

    private static SrtpContext[] pair(SrtpProfile p) {
        byte[] key = new byte[p.keyLength()];
        byte[] salt = new byte[p.saltLength()];
        new Random(7).nextBytes(key);
        new Random(8).nextBytes(salt);
        return new SrtpContext[] {new SrtpContext(p, key, salt), new SrtpContext(p, key, salt)};
    }

    /** An RTP packet at {@code off} in a larger buffer, with one CSRC and a one-word header extension. */
    private static byte[] rtp(int off, int seq, int payloadLen) {
        byte[] b = new byte[off + 12 + 4 + 8 + payloadLen + 32];
        b[off] = (byte) 0x91;
        b[off + 1] = 111;
        b[off + 2] = (byte) (seq >>> 8);
        b[off + 3] = (byte) seq;
        RtpHeader.writeInt(b, off + 8, SSRC);
        RtpHeader.writeInt(b, off + 12, 0xcafe);
        b[off + 16] = (byte) 0xbe;
        b[off + 17] = (byte) 0xde;
        b[off + 19] = 1;
        for (int i = 0; i < payloadLen; i++) {
            b[off + 24 + i] = (byte) (i * 31 + seq);
        }
        return b;
    }

    private static final int RTP_LEN = 24 + 160;

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripAtOffsetThroughRollover(SrtpProfile p) {
        SrtpContext[] c = pair(p);
        int off = 5;
        for (int seq : new int[] {65533, 65534, 65535, 0, 1, 2}) {
            byte[] plain = rtp(off, seq, 160);
            byte[] buf = plain.clone();
            int n = c[0].protectRtp(buf, off, RTP_LEN);
            assertEquals(RTP_LEN + p.rtpTagLength(), n);
            assertArrayEquals(Arrays.copyOfRange(plain, off, off + 24), Arrays.copyOfRange(buf, off, off + 24));
            assertNotEquals(Hex.string(plain, off + 24, 160), Hex.string(buf, off + 24, 160));
            assertEquals(RTP_LEN, c[1].unprotectRtp(buf, off, n), "seq " + seq);
            assertArrayEquals(Arrays.copyOfRange(plain, off, off + RTP_LEN), Arrays.copyOfRange(buf, off, off + RTP_LEN));
        }
        assertEquals(1, c[0].rolloverCounter(SSRC));
        assertEquals(1, c[1].rolloverCounter(SSRC));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rocMismatchFailsAuthentication(SrtpProfile p) {
        SrtpContext[] c = pair(p);
        byte[] first = rtp(0, 65535, 20);
        c[0].protectRtp(first, 0, 44);
        byte[] wrapped = rtp(0, 10, 20);
        int n = c[0].protectRtp(wrapped, 0, 44);
        // the receiver never saw the stream before seq 10 and assumes ROC 0
        assertEquals(SrtpContext.REJECTED, c[1].unprotectRtp(wrapped, 0, n));
        assertEquals(1, c[1].authFailures());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedPacketsAreRejected(SrtpProfile p) {
        SrtpContext[] c = pair(p);
        for (int at : new int[] {2, 9, 30, RTP_LEN + p.rtpTagLength() - 1}) {
            byte[] buf = rtp(0, 100 + at, 160);
            int n = c[0].protectRtp(buf, 0, RTP_LEN);
            buf[at] ^= 0x40;
            assertEquals(SrtpContext.REJECTED, c[1].unprotectRtp(buf, 0, n), "flip at " + at);
        }
        assertEquals(4, c[1].authFailures() + c[1].malformed());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replaysAndTooOldPacketsAreRejected(SrtpProfile p) {
        SrtpContext[] c = pair(p);
        byte[][] sent = new byte[80][];
        int[] len = new int[80];
        for (int i = 0; i < 80; i++) {
            sent[i] = rtp(0, 1000 + i, 40);
            len[i] = c[0].protectRtp(sent[i], 0, 64);
        }
        for (int i = 0; i < 80; i += 2) {
            assertEquals(64, c[1].unprotectRtp(sent[i].clone(), 0, len[i]));
        }
        assertEquals(SrtpContext.REJECTED, c[1].unprotectRtp(sent[78].clone(), 0, len[78]));
        assertEquals(64, c[1].unprotectRtp(sent[77].clone(), 0, len[77]), "late but inside the window");
        assertEquals(SrtpContext.REJECTED, c[1].unprotectRtp(sent[77].clone(), 0, len[77]));
        assertEquals(SrtpContext.REJECTED, c[1].unprotectRtp(sent[1].clone(), 0, len[1]), "older than 64");
        assertEquals(3, c[1].replays());
        assertEquals(0, c[1].authFailures());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTripTamperAndReplay(SrtpProfile p) {
        SrtpContext[] c = pair(p);
        for (int i = 0; i < 3; i++) {
            byte[] plain = new byte[28 + 40];
            plain[0] = (byte) 0x80;
            plain[1] = (byte) 200;
            plain[3] = 6;
            RtpHeader.writeInt(plain, 4, SSRC);
            Arrays.fill(plain, 8, 28, (byte) (0x30 + i));
            byte[] buf = plain.clone();
            int n = c[0].protectRtcp(buf, 0, 28);
            assertEquals(28 + c[0].rtcpOverhead(), n);
            byte[] replay = buf.clone();
            byte[] tampered = buf.clone();
            tampered[12] ^= 1;
            assertEquals(SrtpContext.REJECTED, c[1].unprotectRtcp(tampered, 0, n));
            assertEquals(28, c[1].unprotectRtcp(buf, 0, n));
            assertArrayEquals(Arrays.copyOf(plain, 28), Arrays.copyOf(buf, 28));
            assertEquals(SrtpContext.REJECTED, c[1].unprotectRtcp(replay, 0, n));
        }
        assertEquals(3, c[1].authFailures());
        assertEquals(3, c[1].replays());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void theSameIndexIsNeverProtectedTwice(SrtpProfile p) {
        SrtpContext sender = pair(p)[0];
        assertEquals(44 + p.rtpTagLength(), sender.protectRtp(rtp(0, 5, 20), 0, 44));
        assertEquals(SrtpContext.REJECTED, sender.protectRtp(rtp(0, 5, 20), 0, 44));
        assertEquals(44 + p.rtpTagLength(), sender.protectRtp(rtp(0, 4, 20), 0, 44), "reordered, still unused");
        assertEquals(1, sender.replays());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void garbageNeverThrows(SrtpProfile p) {
        SrtpContext ctx = pair(p)[1];
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[r.nextInt(120)];
            r.nextBytes(b);
            if (b.length > 0 && r.nextBoolean()) {
                b[0] = (byte) (0x80 | (b[0] & 0x3f));
            }
            int off = b.length == 0 ? 0 : r.nextInt(b.length);
            assertEquals(SrtpContext.REJECTED, ctx.unprotectRtp(b, off, b.length - off));
            assertEquals(SrtpContext.REJECTED, ctx.unprotectRtcp(b, off, b.length - off));
        }
        byte[] b = new byte[40];
        b[0] = (byte) 0x80;
        assertEquals(SrtpContext.REJECTED, ctx.unprotectRtp(b, 0, 80));
        assertEquals(SrtpContext.REJECTED, ctx.unprotectRtcp(b, 0, 80));
        assertEquals(SrtpContext.REJECTED, ctx.unprotectRtp(b, -1, 40));
        assertEquals(SrtpContext.REJECTED, ctx.unprotectRtcp(b, 5, -3));
        assertEquals(4004, ctx.malformed() + ctx.authFailures() + ctx.replays());
    }
}
