package org.patchbay.media.internal.codec;

/** Test signals: a sine tone and the Goertzel measure of one frequency's power. */
public final class Tone {
    private Tone() {
    }

    /** {@code samples} of a {@code hz} sine at {@code rate}, amplitude {@code amplitude}, starting at sample {@code from}. */
    public static short[] sine(double hz, int rate, int amplitude, int from, int samples) {
        short[] s = new short[samples];
        for (int i = 0; i < samples; i++) {
            s[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * (from + i) / rate));
        }
        return s;
    }

    /** The power of {@code hz} in {@code s} (Goertzel), normalised so that a full sine of amplitude A gives A²/4. */
    public static double goertzel(short[] s, int off, int n, double hz, int rate) {
        double k = 2 * Math.cos(2 * Math.PI * hz / rate);
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            double s0 = s[off + i] + k * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - k * s1 * s2;
        return power / ((double) n * n);
    }

    /** Mean power of {@code s} (A²/2 for a sine of amplitude A). */
    public static double energy(short[] s, int off, int n) {
        double e = 0;
        for (int i = 0; i < n; i++) {
            e += (double) s[off + i] * s[off + i];
        }
        return e / n;
    }
}
