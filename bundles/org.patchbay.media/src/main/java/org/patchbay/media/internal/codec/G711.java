package org.patchbay.media.internal.codec;

/**
 * G.711 (ITU-T G.711) µ-law (PCMU) and A-law (PCMA) with 16-bit linear samples; decoding through 256-entry tables,
 * encoding by the segment search of the reference implementation. Stateless and allocation-free.
 */
public final class G711 {
    private static final short[] ULAW = new short[256];
    private static final short[] ALAW = new short[256];
    private static final int BIAS = 0x84;
    private static final int CLIP = 32635;

    static {
        for (int i = 0; i < 256; i++) {
            ULAW[i] = ulawToLinear(i);
            ALAW[i] = alawToLinear(i);
        }
    }

    private G711() {
    }

    /** The linear sample of a µ-law byte. */
    public static short decodeUlaw(byte b) {
        return ULAW[b & 0xff];
    }

    /** The linear sample of an A-law byte. */
    public static short decodeAlaw(byte b) {
        return ALAW[b & 0xff];
    }

    /** The µ-law byte of a linear sample. */
    public static byte encodeUlaw(int sample) {
        int sign = (sample >> 8) & 0x80;
        if (sign != 0) {
            sample = -sample;
        }
        if (sample > CLIP) {
            sample = CLIP;
        }
        sample += BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (sample >> (exponent + 3)) & 0x0f;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    /** The A-law byte of a linear sample. */
    public static byte encodeAlaw(int sample) {
        int sign = sample >= 0 ? 0x80 : 0;
        if (sign == 0) {
            sample = -sample - 1;
        }
        if (sample > 32767) {
            sample = 32767;
        }
        int b;
        if (sample < 256) {
            b = sample >> 4;
        } else {
            int exponent = 1;
            for (int s = sample >> 8; s > 1; s >>= 1) {
                exponent++;
            }
            b = (exponent << 4) | ((sample >> (exponent + 3)) & 0x0f);
        }
        return (byte) ((b | sign) ^ 0x55);
    }

    private static short ulawToLinear(int u) {
        u = ~u & 0xff;
        int t = ((u & 0x0f) << 3) + BIAS;
        t <<= (u & 0x70) >> 4;
        return (short) ((u & 0x80) != 0 ? BIAS - t : t - BIAS);
    }

    private static short alawToLinear(int a) {
        a ^= 0x55;
        int t = (a & 0x0f) << 4;
        int seg = (a & 0x70) >> 4;
        if (seg == 0) {
            t += 8;
        } else {
            t = (t + 0x108) << (seg - 1);
        }
        return (short) ((a & 0x80) != 0 ? t : -t);
    }
}
