package org.patchbay.media.internal.codec;

/**
 * 48 kHz to 8 kHz: a windowed-sinc low-pass (cut-off 3.6 kHz, 60 taps, Blackman window) evaluated at every sixth input
 * sample. Keeps the last taps of input between calls, so that packets join without clicks. Allocation-free.
 */
final class Decimator {
    static final int FACTOR = 6;
    private static final int TAPS = 60;
    private static final float[] H = new float[TAPS];

    static {
        double cutoff = 3600.0 / 48_000;
        double sum = 0;
        for (int i = 0; i < TAPS; i++) {
            double m = i - (TAPS - 1) / 2.0;
            double sinc = m == 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * m) / (Math.PI * m);
            double w = 0.42 - 0.5 * Math.cos(2 * Math.PI * i / (TAPS - 1)) + 0.08 * Math.cos(4 * Math.PI * i / (TAPS - 1));
            H[i] = (float) (sinc * w);
            sum += H[i];
        }
        for (int i = 0; i < TAPS; i++) {
            H[i] /= (float) sum; // unity gain at DC
        }
    }

    private final float[] history = new float[TAPS + 5760];

    /** Decimates {@code n} samples of {@code in} (a multiple of 6) into {@code out}; the number of output samples. */
    int decimate(short[] in, int n, short[] out) {
        int outs = Math.min(n / FACTOR, out.length);
        // history[0..TAPS-1) holds the previous input's tail, then this input
        for (int i = 0; i < outs * FACTOR; i++) {
            history[TAPS - 1 + i] = in[i];
        }
        for (int o = 0; o < outs; o++) {
            int end = TAPS - 1 + o * FACTOR + FACTOR - 1; // newest input sample of this output
            float acc = 0;
            for (int k = 0; k < TAPS; k++) {
                acc += H[k] * history[end - k];
            }
            int v = Math.round(acc);
            out[o] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
        }
        System.arraycopy(history, outs * FACTOR, history, 0, TAPS - 1);
        return outs;
    }
}
