package org.patchbay.media.internal.codec;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Opus through Concentus at 8 kHz: a tone survives encode and decode with its frequency and energy. */
class OpusCodecTest {

    @Test
    void toneRoundTripKeepsFrequencyAndEnergy() {
        Codec.Encoder enc = Codec.OPUS.encoder();
        Codec.Decoder dec = Codec.OPUS.decoder();
        int frames = 50; // one second
        short[] out = new short[frames * Codec.FRAME];
        byte[] packet = new byte[1500];
        short[] pcm = new short[Codec.MAX_SAMPLES];
        int total = 0;
        for (int i = 0; i < frames; i++) {
            short[] in = Tone.sine(1000, 8000, 8000, i * Codec.FRAME, Codec.FRAME);
            int n = enc.encode(in, 0, Codec.FRAME, packet, 0);
            assertTrue(n > 0 && n < 200, "packet of " + n + " bytes");
            int samples = dec.decode(packet, 0, n, pcm);
            assertEquals(Codec.FRAME, samples, "20 ms at 8 kHz");
            System.arraycopy(pcm, 0, out, total, samples);
            total += samples;
        }
        int from = 8000 / 2; // past the codec's start-up
        int n = total - from;
        double tone = Tone.goertzel(out, from, n, 1000, 8000);
        double energy = Tone.energy(out, from, n);
        double expected = 8000.0 * 8000 / 2;
        assertTrue(energy > expected * 0.5 && energy < expected * 1.5, "energy " + energy + " vs " + expected);
        assertTrue(tone * 2 > energy * 0.8, "most energy at 1 kHz: " + tone * 2 + " of " + energy);
        assertTrue(Tone.goertzel(out, from, n, 1500, 8000) * 2 < energy * 0.05, "little at 1.5 kHz");
    }

    /**
     * A browser's 48 kHz Opus: CELT (music, high rate) and SILK/hybrid (voice at 16-32 kbit/s, what browsers send for
     * speech; Concentus renders these as silence when asked for 8 kHz output, hence the decimator).
     */
    @ParameterizedTest
    @CsvSource({"AUDIO, 96000", "VOIP, 16000", "VOIP, 32000"})
    void decodesABrowsersOpusAt8kHz(String application, int bitrate) throws Exception {
        var encoder = new io.github.jaredmdobson.concentus.OpusEncoder(48000, 2,
                io.github.jaredmdobson.concentus.OpusApplication.valueOf("OPUS_APPLICATION_" + application));
        encoder.setBitrate(bitrate);
        Codec.Decoder dec = Codec.OPUS.decoder();
        short[] out = new short[25 * Codec.FRAME];
        short[] pcm = new short[Codec.MAX_SAMPLES];
        byte[] packet = new byte[1500];
        for (int i = 0; i < 25; i++) { // half a second of a browser's 48 kHz stereo 20 ms frames
            short[] mono = Tone.sine(1000, 48000, 8000, i * 960, 960);
            short[] stereo = new short[1920];
            for (int j = 0; j < 960; j++) {
                stereo[2 * j] = mono[j];
                stereo[2 * j + 1] = mono[j];
            }
            int n = encoder.encode(stereo, 0, 960, packet, 0, packet.length);
            assertEquals(Codec.FRAME, dec.decode(packet, 0, n, pcm));
            System.arraycopy(pcm, 0, out, i * Codec.FRAME, Codec.FRAME);
        }
        int from = 10 * Codec.FRAME;
        double energy = Tone.energy(out, from, out.length - from);
        assertTrue(energy > 8000.0 * 8000 / 2 * 0.5, "energy " + energy);
        assertTrue(Tone.goertzel(out, from, out.length - from, 1000, 8000) * 2 > energy * 0.8);
        assertTrue(Tone.goertzel(out, from, out.length - from, 3000, 8000) * 2 < energy * 0.05, "no aliasing");
    }

    @Test
    void garbageIsRejectedNotThrown() {
        short[] pcm = new short[Codec.MAX_SAMPLES];
        byte[] junk = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3};
        int n = assertDoesNotThrow(() -> Codec.OPUS.decoder().decode(junk, 0, junk.length, pcm));
        assertTrue(n == -1 || n <= Codec.MAX_SAMPLES, "rejected or concealed: " + n);
    }
}
