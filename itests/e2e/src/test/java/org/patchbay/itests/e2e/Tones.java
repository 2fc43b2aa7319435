package org.patchbay.itests.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test tones: writes a sine WAV (PCM 16-bit mono) and finds a tone in a recording with a Goertzel filter. */
final class Tones {

    private Tones() {
    }

    /** A PCM WAV file: 16-bit little-endian, mono, {@code rate} Hz, {@code seconds} of a {@code hz} sine at -8 dBFS. */
    static void writeSine(Path file, double hz, int rate, int seconds) throws IOException {
        int samples = rate * seconds;
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(samples * 2);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) Math.round(13000 * Math.sin(2 * Math.PI * hz * i / rate)));
        }
        Files.write(file, b.array());
    }

    /** PCM samples of a 16-bit WAV file (first channel) and its sample rate. */
    record Pcm(short[] samples, int rate) {
        double seconds() {
            return samples.length / (double) rate;
        }
    }

    static Pcm read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) { // "RIFF", "WAVE"
            throw new IOException(file + ": not a RIFF/WAVE file");
        }
        int channels = 0;
        int rate = 0;
        int bits = 0;
        int pos = 12;
        while (pos + 8 <= b.limit()) {
            int id = b.getInt(pos);
            int size = b.getInt(pos + 4);
            int body = pos + 8;
            if (id == 0x20746d66) { // "fmt "
                channels = b.getShort(body + 2);
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14);
            } else if (id == 0x61746164) { // "data"
                if (bits != 16 || channels < 1) {
                    throw new IOException(file + ": " + bits + "-bit, " + channels + " channels; want 16-bit PCM");
                }
                // a writer that never finished its header leaves 0 or -1 here: then the data runs to the end
                int end = size <= 0 || body + size > b.limit() ? b.limit() : body + size;
                int frames = (end - body) / (2 * channels);
                short[] s = new short[frames];
                for (int i = 0; i < frames; i++) {
                    s[i] = b.getShort(body + i * 2 * channels);
                }
                return new Pcm(s, rate);
            }
            pos = body + size + (size & 1);
        }
        throw new IOException(file + ": no data chunk");
    }

    /**
     * Share (0..1) of the energy of {@code s[from, from+n)} at {@code hz}: Goertzel power at that frequency against the
     * block's total energy, scaled so a pure sine at {@code hz} gives about 1.
     */
    static double share(short[] s, int from, int n, double hz, int rate) {
        double k = 2 * Math.cos(2 * Math.PI * hz / rate);
        double s1 = 0;
        double s2 = 0;
        double energy = 0;
        for (int i = from; i < from + n; i++) {
            double s0 = s[i] + k * s1 - s2;
            s2 = s1;
            s1 = s0;
            energy += (double) s[i] * s[i];
        }
        double power = s1 * s1 + s2 * s2 - k * s1 * s2;
        return energy == 0 ? 0 : 2 * power / (n * energy);
    }

    /** What a recording holds, block by block (50 ms): blocks with sound, and among them blocks where {@code hz} dominates. */
    record Analysis(double seconds, int blocks, int voiced, int dominated, double meanShare, double otherShare) {
        @Override
        public String toString() {
            return String.format("%.2f s, %d blocks of 50 ms, %d with sound, %d dominated by the tone (mean share %.3f, "
                    + "other tone %.3f)", seconds, blocks, voiced, dominated, meanShare, otherShare);
        }
    }

    /** Blocks of 50 ms with an RMS over 300 are voiced; a voiced block is dominated when over 60 % of its energy is at {@code hz}. */
    static Analysis analyse(Pcm pcm, double hz, double otherHz) {
        int n = pcm.rate() / 20;
        int blocks = pcm.samples().length / n;
        int voiced = 0;
        int dominated = 0;
        double sum = 0;
        double other = 0;
        for (int b = 0; b < blocks; b++) {
            double energy = 0;
            for (int i = b * n; i < (b + 1) * n; i++) {
                energy += (double) pcm.samples()[i] * pcm.samples()[i];
            }
            if (Math.sqrt(energy / n) < 300) {
                continue;
            }
            voiced++;
            double share = share(pcm.samples(), b * n, n, hz, pcm.rate());
            sum += share;
            other += share(pcm.samples(), b * n, n, otherHz, pcm.rate());
            if (share > 0.6) {
                dominated++;
            }
        }
        return new Analysis(pcm.seconds(), blocks, voiced, dominated, voiced == 0 ? 0 : sum / voiced,
                voiced == 0 ? 0 : other / voiced);
    }
}
