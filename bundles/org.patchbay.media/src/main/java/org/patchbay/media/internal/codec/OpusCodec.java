package org.patchbay.media.internal.codec;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;

/**
 * Opus (RFC 6716, RTP per RFC 7587) through Concentus, the pure-Java port of libopus, at 8 kHz mono PCM: the decoder
 * renders any Opus stream (mono or stereo, any bandwidth) at 8 kHz, the encoder codes 20 ms narrowband voice frames.
 * The RTP clock stays 48 kHz whatever the PCM rate (RFC 7587 §4.1).
 */
final class OpusCodec {
    /** Encoder bit rate: ample for narrowband voice. */
    static final int BITRATE = 24_000;
    /** Encoder complexity 0..10; 5 halves the CPU of 10 for little loss on narrowband. */
    static final int COMPLEXITY = 5;
    private static final int MAX_PACKET = 1275;

    private OpusCodec() {
    }

    static final class Decoder implements Codec.Decoder {
        private final io.github.jaredmdobson.concentus.OpusDecoder decoder;

        Decoder() {
            try {
                decoder = new io.github.jaredmdobson.concentus.OpusDecoder(Codec.PCM_RATE, 1);
            } catch (OpusException e) {
                throw new IllegalStateException("Opus decoder: " + e.getMessage(), e);
            }
        }

        @Override
        public int decode(byte[] in, int off, int len, short[] pcm) {
            try {
                return decoder.decode(in, off, len, pcm, 0, pcm.length, false);
            } catch (OpusException | RuntimeException e) {
                return -1; // a corrupt packet: skipped like a lost one
            }
        }
    }

    static final class Encoder implements Codec.Encoder {
        private final io.github.jaredmdobson.concentus.OpusEncoder encoder;

        Encoder() {
            try {
                encoder = new io.github.jaredmdobson.concentus.OpusEncoder(Codec.PCM_RATE, 1,
                        OpusApplication.OPUS_APPLICATION_VOIP);
            } catch (OpusException e) {
                throw new IllegalStateException("Opus encoder: " + e.getMessage(), e);
            }
            encoder.setBitrate(BITRATE);
            encoder.setComplexity(COMPLEXITY);
            encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
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
