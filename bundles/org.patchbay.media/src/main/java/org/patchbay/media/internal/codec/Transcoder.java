package org.patchbay.media.internal.codec;

import java.nio.ByteBuffer;

/**
 * One direction of a transcoded call: plain RTP of one codec in, plain RTP of another out, in a stream of our own
 * (SSRC, sequence numbers, timestamps in the output clock). Audio is decoded to 8 kHz PCM and encoded again; Opus
 * output is cut into 20 ms frames. RFC 4733 events get the output's event payload type, their timestamp mapped like
 * the audio's and their duration scaled to the output clock; events are dropped when the output has none. Other
 * payload types (comfort noise, RED, ...) are dropped.
 *
 * <p>Without a jitter buffer, the input is taken as it comes: a late or repeated packet (by sequence number) is
 * dropped, and up to {@link #MAX_RECOVERED} lost audio packets in a row are filled in where the input codec can (Opus:
 * the last one from the next packet's in-band FEC, the others by the decoder's loss concealment), so that a phone on
 * the G.711 side hears speech continue through a browser's packet loss instead of a gap.
 *
 * <p>Runs on the call's loop thread only. Buffers are preallocated: a packet costs no allocation here (Concentus may
 * allocate inside its Opus coder).
 */
public final class Transcoder {
    /** Where a transcoded packet goes: plain RTP in {@code buf} from position 0, {@code len} bytes. */
    public interface Sink {
        void send(ByteBuffer buf, int len);
    }

    /**
     * One side's negotiated formats.
     *
     * @param codec     the audio codec
     * @param pt        its payload type
     * @param eventType the telephone-event payload type (in the codec's clock), -1 when none was negotiated
     * @param fec       the party receiving this side's packets asked for in-band FEC ({@code useinbandfec=1})
     */
    public record Side(Codec codec, int pt, int eventType, boolean fec) {
        public Side(Codec codec, int pt, int eventType) {
            this(codec, pt, eventType, false);
        }
    }

    private static final int HEADER = 12;
    private static final int MAX_PAYLOAD = 1500;
    /** At most this many lost packets in a row are recovered or concealed (60 ms at 20 ms); a longer gap stays one. */
    static final int MAX_RECOVERED = 3;
    /** A packet up to this many numbers behind the last is late or repeated; further back, a new stream. */
    private static final int MAX_LATE = 100;

    private final Side from;
    private final Side to;
    private final Codec.Decoder decoder;
    private final Codec.Encoder encoder;
    private final int ssrc;
    private final byte[] payload = new byte[8192];
    private final byte[] coded = new byte[MAX_PAYLOAD];
    private final short[] pcm = new short[Codec.MAX_SAMPLES];
    private final short[] fifo = new short[Codec.MAX_SAMPLES + Codec.FRAME];
    private int fifoLength;
    private int fifoTimestamp; // output clock, of fifo[0]
    private int seq;
    private final int outBase;
    private boolean started;
    private long inBase;
    private long inExtended;
    private int lastIn;
    private boolean marker = true;
    private long packets;
    // the input stream's numbering, to find lost packets (audio and events share it, RFC 4733 §2.1)
    private boolean seqStarted;
    private int lastSeq;
    private int lastSsrc;
    private boolean lastWasAudio;
    private int lastAudioTs; // input clock
    private long recovered;

    /**
     * @param random a random int for the SSRC, the first sequence number and the timestamp base (RFC 3550 §5.1)
     */
    public Transcoder(Side from, Side to, java.util.random.RandomGenerator random) {
        this.from = from;
        this.to = to;
        this.decoder = from.codec().decoder();
        this.encoder = to.codec().encoder(to.fec());
        this.ssrc = random.nextInt();
        this.seq = random.nextInt() & 0xffff;
        this.outBase = random.nextInt();
    }

    public Side from() {
        return from;
    }

    public Side to() {
        return to;
    }

    /** Packets sent so far. */
    public long packets() {
        return packets;
    }

    /** Lost input packets whose audio was recovered (in-band FEC) or concealed so far. */
    public long recovered() {
        return recovered;
    }

    /**
     * Transcodes one plain RTP packet ({@code buf} from position 0, {@code len} bytes) and hands the result (zero,
     * one or several packets, written into {@code buf}) to {@code sink}.
     */
    public void relay(ByteBuffer buf, int len, Sink sink) {
        if (len < HEADER) {
            return;
        }
        int first = buf.get(0) & 0xff;
        int off = HEADER + 4 * (first & 0x0f);
        if ((first & 0x10) != 0) {
            if (off + 4 > len) {
                return;
            }
            off += 4 + 4 * (buf.getShort(off + 2) & 0xffff);
        }
        int end = len;
        if ((first & 0x20) != 0) {
            end -= buf.get(len - 1) & 0xff;
        }
        if (off > end || end - off > payload.length) {
            return;
        }
        int pt = buf.get(1) & 0x7f;
        boolean audio = pt == from.pt();
        if (!audio && pt != from.eventType()) {
            return;
        }
        int lost = lost(buf.getShort(2) & 0xffff, buf.getInt(8), audio);
        if (lost < 0) {
            return; // late or repeated: its time has passed (and a stateful decoder must not go back)
        }
        boolean inMarker = (buf.get(1) & 0x80) != 0;
        int inTimestamp = buf.getInt(4);
        int timestamp = map(inTimestamp);
        int n = end - off;
        buf.position(off);
        buf.get(payload, 0, n);
        if (!audio) {
            event(buf, n, inMarker, timestamp, sink);
            return;
        }
        if (lost > 0) {
            recover(buf, n, lost, inTimestamp - lastAudioTs, timestamp, sink);
        }
        lastAudioTs = inTimestamp;
        int samples = decoder.decode(payload, 0, n, pcm);
        if (samples > 0) {
            emit(buf, samples, inMarker, timestamp, sink);
        }
    }

    /**
     * Follows the input's sequence numbers: -1 for a late or repeated packet, else how many audio packets were lost
     * right before this audio packet (0 after an event, a new SSRC or a jump of more than {@link #MAX_RECOVERED}).
     */
    private int lost(int seqIn, int ssrcIn, boolean audio) {
        boolean wasAudio = lastWasAudio;
        int gap = (short) (seqIn - lastSeq);
        boolean sameStream = seqStarted && ssrcIn == lastSsrc;
        if (sameStream && gap <= 0 && gap > -MAX_LATE) {
            return -1;
        }
        seqStarted = true;
        lastSeq = seqIn;
        lastSsrc = ssrcIn;
        lastWasAudio = audio;
        return sameStream && audio && wasAudio && gap > 1 && gap <= MAX_RECOVERED + 1 ? gap - 1 : 0;
    }

    /**
     * Audio for {@code lost} packets lost before the current one ({@code payload}, {@code n} bytes): the last from the
     * current packet's in-band FEC, the others concealed; the decoder's output for each goes out at its own time.
     */
    private void recover(ByteBuffer buf, int n, int lost, int inSpan, int timestamp, Sink sink) {
        int inFrame = inSpan / (lost + 1);
        int samples = (int) ((long) inFrame * Codec.PCM_RATE / from.codec().clock());
        if (inFrame <= 0 || samples > pcm.length) {
            return;
        }
        int outFrame = (int) ((long) inFrame * to.codec().clock() / from.codec().clock());
        for (int i = 1; i <= lost; i++) {
            int got = decoder.recover(payload, 0, n, i == lost, samples, pcm);
            if (got <= 0) {
                return;
            }
            recovered++;
            emit(buf, got, false, timestamp - (lost + 1 - i) * outFrame, sink);
        }
    }

    /** The output timestamp of an input timestamp: the input's extended offset from the first, in the output clock. */
    private int map(int in) {
        if (!started) {
            started = true;
            lastIn = in;
            inExtended = in & 0xffffffffL;
            inBase = inExtended;
        } else {
            inExtended += in - lastIn; // the signed difference unwraps 32-bit timestamps
            lastIn = in;
        }
        return outBase + (int) ((inExtended - inBase) * to.codec().clock() / from.codec().clock());
    }

    private void event(ByteBuffer buf, int n, boolean inMarker, int timestamp, Sink sink) {
        if (to.eventType() < 0 || n < 4) {
            return;
        }
        int duration = ((payload[2] & 0xff) << 8 | (payload[3] & 0xff)) * to.codec().clock() / from.codec().clock();
        duration = Math.min(duration, 0xffff);
        payload[2] = (byte) (duration >> 8);
        payload[3] = (byte) duration;
        header(buf, inMarker, to.eventType(), timestamp);
        buf.put(payload, 0, 4);
        send(buf, sink);
    }

    /** Encodes {@code samples} of {@link #pcm} at output {@code timestamp} and sends what is ready. */
    private void emit(ByteBuffer buf, int samples, boolean inMarker, int timestamp, Sink sink) {
        marker |= inMarker;
        if (!to.codec().framed()) {
            int bytes = encoder.encode(pcm, 0, samples, coded, 0);
            if (bytes > 0) {
                header(buf, marker, to.pt(), timestamp);
                buf.put(coded, 0, bytes);
                marker = false;
                send(buf, sink);
            }
            return;
        }
        int ratio = to.codec().clock() / Codec.PCM_RATE;
        if (fifoLength > 0 && timestamp != fifoTimestamp + fifoLength * ratio) {
            fifoLength = 0; // a gap or a jump: the partial frame is dropped
            marker = true;
        }
        if (fifoLength == 0) {
            fifoTimestamp = timestamp;
        }
        int take = Math.min(samples, fifo.length - fifoLength);
        System.arraycopy(pcm, 0, fifo, fifoLength, take);
        fifoLength += take;
        int used = 0;
        while (fifoLength - used >= Codec.FRAME) {
            int bytes = encoder.encode(fifo, used, Codec.FRAME, coded, 0);
            int ts = fifoTimestamp + used * ratio;
            used += Codec.FRAME;
            if (bytes > 0) {
                header(buf, marker, to.pt(), ts);
                buf.put(coded, 0, bytes);
                marker = false;
                send(buf, sink);
            }
        }
        if (used > 0) {
            System.arraycopy(fifo, used, fifo, 0, fifoLength - used);
            fifoLength -= used;
            fifoTimestamp += used * ratio;
        }
    }

    private void header(ByteBuffer buf, boolean m, int pt, int timestamp) {
        buf.clear();
        buf.put((byte) 0x80).put((byte) ((m ? 0x80 : 0) | pt)).putShort((short) seq).putInt(timestamp).putInt(ssrc);
        seq = (seq + 1) & 0xffff;
    }

    private void send(ByteBuffer buf, Sink sink) {
        int n = buf.position();
        buf.flip();
        packets++;
        sink.send(buf, n);
    }

    @Override
    public String toString() {
        return from.codec() + "/" + from.pt() + " -> " + to.codec() + "/" + to.pt();
    }
}
