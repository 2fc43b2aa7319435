package org.patchbay.media.internal.codec;

import java.util.Locale;

/**
 * The audio codecs the node can transcode between, by their SDP encoding name and RTP clock rate. Every codec decodes
 * to and encodes from 16-bit mono PCM at 8 kHz ({@link #PCM_RATE}): the telephone side is G.711 anyway, and Opus
 * decodes to (and encodes from) 8 kHz itself, so no resampler is needed.
 */
public enum Codec {
    PCMU("pcmu", 8000),
    PCMA("pcma", 8000),
    OPUS("opus", 48000);

    /** The PCM rate between decoder and encoder. */
    public static final int PCM_RATE = 8000;
    /** Samples of PCM in one 20 ms frame. */
    public static final int FRAME = 160;
    /** The longest packet a decoder accepts: 120 ms (Opus' maximum) of PCM. */
    public static final int MAX_SAMPLES = 960;

    private final String encoding;
    private final int clock;

    Codec(String encoding, int clock) {
        this.encoding = encoding;
        this.clock = clock;
    }

    /** The SDP encoding name, lower case ({@code a=rtpmap:<pt> <encoding>/<clock>}). */
    public String encoding() {
        return encoding;
    }

    /** The RTP clock rate. */
    public int clock() {
        return clock;
    }

    /** The codec of an rtpmap encoding name and clock rate, or null when the node cannot transcode it. */
    public static Codec of(String encoding, int clock) {
        String e = encoding.toLowerCase(Locale.ROOT);
        for (Codec c : values()) {
            if (c.encoding.equals(e) && c.clock == clock) {
                return c;
            }
        }
        return null;
    }

    /** A fresh decoder (Opus keeps state: one per stream). */
    public Decoder decoder() {
        return switch (this) {
            case PCMU -> (in, off, len, pcm) -> {
                int n = Math.min(len, pcm.length);
                for (int i = 0; i < n; i++) {
                    pcm[i] = G711.decodeUlaw(in[off + i]);
                }
                return n;
            };
            case PCMA -> (in, off, len, pcm) -> {
                int n = Math.min(len, pcm.length);
                for (int i = 0; i < n; i++) {
                    pcm[i] = G711.decodeAlaw(in[off + i]);
                }
                return n;
            };
            case OPUS -> new OpusCodec.Decoder();
        };
    }

    /** A fresh encoder (Opus keeps state: one per stream). */
    public Encoder encoder() {
        return encoder(false);
    }

    /**
     * A fresh encoder; {@code fec}: the receiver asked for in-band FEC (Opus {@code useinbandfec=1}, RFC 7587 §6.1),
     * ignored by G.711.
     */
    public Encoder encoder(boolean fec) {
        return switch (this) {
            case PCMU -> (pcm, off, samples, out, outOff) -> {
                for (int i = 0; i < samples; i++) {
                    out[outOff + i] = G711.encodeUlaw(pcm[off + i]);
                }
                return samples;
            };
            case PCMA -> (pcm, off, samples, out, outOff) -> {
                for (int i = 0; i < samples; i++) {
                    out[outOff + i] = G711.encodeAlaw(pcm[off + i]);
                }
                return samples;
            };
            case OPUS -> new OpusCodec.Encoder(fec);
        };
    }

    /** Whether the encoder takes only whole 20 ms frames ({@link #FRAME} samples); G.711 takes any number. */
    public boolean framed() {
        return this == OPUS;
    }

    /** Payload to 8 kHz PCM. */
    public interface Decoder {
        /** Decodes one packet's payload into {@code pcm}; the number of samples, or -1 when it is not decodable. */
        int decode(byte[] in, int off, int len, short[] pcm);

        /**
         * Audio for one lost packet of {@code samples} samples, decoded just before the packet after it: recovered
         * from that packet's in-band FEC ({@code in}, {@code fec} true: only for the packet right before it), or
         * concealed from the decoder's state. The number of samples, or -1 when the codec cannot (G.711: the party's
         * own jitter buffer conceals the gap).
         */
        default int recover(byte[] in, int off, int len, boolean fec, int samples, short[] pcm) {
            return -1;
        }
    }

    /** 8 kHz PCM to payload. */
    public interface Encoder {
        /** Encodes {@code samples} of {@code pcm} into {@code out}; the payload length, or -1 on failure. */
        int encode(short[] pcm, int off, int samples, byte[] out, int outOff);
    }
}
