package org.patchbay.media.internal.codec;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;

/**
 * Opus (RFC 6716, RTP per RFC 7587) through Concentus, the pure-Java port of libopus, with 8 kHz mono PCM on our
 * side. The encoder codes 20 ms narrowband voice frames from 8 kHz. The decoder runs at 48 kHz mono and its output is
 * decimated to 8 kHz ({@link Decimator}): Concentus 1.0.2 decodes SILK and hybrid packets (what a browser sends for
 * voice at its usual 32 kbit/s) to silence when asked for 8 or 16 kHz output, CELT packets correctly (measured with
 * libopus-encoded packets). The RTP clock stays 48 kHz whatever the PCM rate (RFC 7587 §4.1).
 */
final class OpusCodec {
    /** Encoder bit rate: ample for narrowband voice. */
    static final int BITRATE = 24_000;
    /** Encoder complexity 0..10; 5 halves the CPU of 10 for little loss on narrowband. */
    static final int COMPLEXITY = 5;
    private static final int MAX_PACKET = 1275;
    /** The loss the encoder plans for when the receiver asked for FEC (it decides how much LBRR to add). */
    static final int FEC_LOSS_PERCENT = 10;

    private OpusCodec() {
    }

    static final class Decoder implements Codec.Decoder {
        private static final int RATE = 48_000;
        private final io.github.jaredmdobson.concentus.OpusDecoder decoder;
        private final short[] wide = new short[Codec.MAX_SAMPLES * RATE / Codec.PCM_RATE];
        private final Decimator decimator = new Decimator();

        Decoder() {
            try {
                decoder = new io.github.jaredmdobson.concentus.OpusDecoder(RATE, 1);
            } catch (OpusException e) {
                throw new IllegalStateException("Opus decoder: " + e.getMessage(), e);
            }
        }

        @Override
        public int decode(byte[] in, int off, int len, short[] pcm) {
            try {
                int n = decoder.decode(in, off, len, wide, 0, Math.min(wide.length, pcm.length * 6), false);
                return n <= 0 ? -1 : decimator.decimate(wide, n, pcm);
            } catch (OpusException | RuntimeException e) {
                return -1; // a corrupt packet: skipped like a lost one
            }
        }

        /**
         * In-band FEC (the LBRR copy a browser puts in the next packet when the answer says {@code useinbandfec=1}):
         * decoded from {@code in} with the lost packet's duration; without FEC data in it, or for earlier losses,
         * the decoder's packet loss concealment ({@code null} input).
         */
        @Override
        public int recover(byte[] in, int off, int len, boolean fec, int samples, short[] pcm) {
            int frame = samples * (RATE / Codec.PCM_RATE);
            if (samples <= 0 || frame > wide.length || frame % (RATE / 400) != 0) {
                return -1; // not a whole number of 2.5 ms steps, which is all Opus can produce
            }
            try {
                int n = fec ? decoder.decode(in, off, len, wide, 0, frame, true)
                        : decoder.decode(null, 0, 0, wide, 0, frame, false);
                return n <= 0 ? -1 : decimator.decimate(wide, n, pcm);
            } catch (OpusException | RuntimeException e) {
                return -1;
            }
        }
    }

    static final class Encoder implements Codec.Encoder {
        private final io.github.jaredmdobson.concentus.OpusEncoder encoder;

        /** @param fec in-band FEC: each packet also carries a coarse copy of the previous frame (SILK LBRR) */
        Encoder(boolean fec) {
            try {
                encoder = new io.github.jaredmdobson.concentus.OpusEncoder(Codec.PCM_RATE, 1,
                        OpusApplication.OPUS_APPLICATION_VOIP);
            } catch (OpusException e) {
                throw new IllegalStateException("Opus encoder: " + e.getMessage(), e);
            }
            encoder.setBitrate(BITRATE);
            encoder.setComplexity(COMPLEXITY);
            encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
            if (fec) {
                // libopus only adds LBRR when it expects loss; browsers start from a similar guess and adapt
                encoder.setUseInbandFEC(true);
                encoder.setPacketLossPercent(FEC_LOSS_PERCENT);
            }
        }

        @Override
        public int encode(short[] pcm, int off, int samples, byte[] out, int outOff) {
            try {
                return encoder.encode(pcm, off, samples, out, outOff, Math.min(MAX_PACKET, out.length - outOff));
            } catch (OpusException | RuntimeException e) {
                return -1;
            }
        }
    }
}
