package org.patchbay.media.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The transcoder on RTP packets: own stream numbering, timestamps in the output clock, events mapped and scaled. */
class TranscoderTest {
    private final List<byte[]> sent = new ArrayList<>();
    private final Transcoder.Sink sink = (buf, len) -> {
        assertEquals(0, buf.position());
        byte[] b = new byte[len];
        buf.get(b);
        sent.add(b);
    };

    private static ByteBuffer rtp(int pt, boolean marker, int seq, int ts, int ssrc, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocateDirect(8192);
        b.put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | pt)).putShort((short) seq).putInt(ts).putInt(ssrc)
                .put(payload).flip();
        return b;
    }

    private static byte[] ulaw(short[] pcm) {
        byte[] b = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            b[i] = G711.encodeUlaw(pcm[i]);
        }
        return b;
    }

    @Test
    void pcmuToOpusAndBackKeepsTheToneAndNumbersItsOwnStream() {
        Transcoder up = new Transcoder(new Transcoder.Side(Codec.PCMU, 0, 101),
                new Transcoder.Side(Codec.OPUS, 111, 110), new Random(1));
        Transcoder down = new Transcoder(new Transcoder.Side(Codec.OPUS, 111, 110),
                new Transcoder.Side(Codec.PCMU, 0, 101), new Random(2));
        List<byte[]> back = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] payload = ulaw(Tone.sine(1000, 8000, 8000, i * 160, 160));
            ByteBuffer b = rtp(0, i == 0, 1000 + i, 5000 + 160 * i, 42, payload);
            up.relay(b, b.remaining(), sink);
        }
        assertEquals(50, sent.size(), "one Opus frame per 20 ms G.711 packet");
        int ts0 = ByteBuffer.wrap(sent.get(0)).getInt(4);
        int seq0 = ByteBuffer.wrap(sent.get(0)).getShort(2) & 0xffff;
        int ssrc = ByteBuffer.wrap(sent.get(0)).getInt(8);
        assertNotEquals(42, ssrc, "own SSRC");
        for (int i = 0; i < sent.size(); i++) {
            ByteBuffer p = ByteBuffer.wrap(sent.get(i));
            assertEquals(i == 0 ? 0x80 | 111 : 111, p.get(1) & 0xff, "Opus type, marker on the first");
            assertEquals((seq0 + i) & 0xffff, p.getShort(2) & 0xffff);
            assertEquals(ts0 + 960 * i, p.getInt(4), "48 kHz timestamps");
            assertEquals(ssrc, p.getInt(8));
            ByteBuffer in = ByteBuffer.allocateDirect(8192).put(sent.get(i)).flip();
            down.relay(in, in.remaining(), (buf, len) -> {
                byte[] c = new byte[len];
                buf.get(c);
                back.add(c);
            });
        }
        assertEquals(50, back.size());
        short[] pcm = new short[25 * 160];
        for (int i = 25; i < 50; i++) {
            byte[] p = back.get(i);
            assertEquals(172, p.length, "160 bytes of PCMU");
            assertEquals(0, p[1] & 0x7f);
            assertEquals(ByteBuffer.wrap(back.get(0)).getInt(4) + 160 * i, ByteBuffer.wrap(p).getInt(4));
            for (int j = 0; j < 160; j++) {
                pcm[(i - 25) * 160 + j] = G711.decodeUlaw(p[12 + j]);
            }
        }
        double energy = Tone.energy(pcm, 0, pcm.length);
        assertTrue(energy > 8000.0 * 8000 / 2 * 0.4, "energy " + energy);
        assertTrue(Tone.goertzel(pcm, 0, pcm.length, 1000, 8000) * 2 > energy * 0.8, "the tone survives both ways");
    }

    @Test
    void tenMillisecondPacketsMakeTwentyMillisecondOpusFrames() {
        Transcoder up = new Transcoder(new Transcoder.Side(Codec.PCMA, 8, -1),
                new Transcoder.Side(Codec.OPUS, 96, -1), new Random(3));
        for (int i = 0; i < 6; i++) {
            ByteBuffer b = rtp(8, false, i, 80 * i, 7, new byte[80]);
            up.relay(b, b.remaining(), sink);
        }
        assertEquals(3, sent.size());
        assertEquals(960, ByteBuffer.wrap(sent.get(1)).getInt(4) - ByteBuffer.wrap(sent.get(0)).getInt(4));
    }

    @Test
    void eventsGetTheOutputTypeTimestampAndScaledDuration() {
        Transcoder down = new Transcoder(new Transcoder.Side(Codec.OPUS, 111, 110),
                new Transcoder.Side(Codec.PCMU, 0, 101), new Random(4));
        Transcoder noEvents = new Transcoder(new Transcoder.Side(Codec.OPUS, 111, 110),
                new Transcoder.Side(Codec.PCMU, 0, -1), new Random(5));
        ByteBuffer audio = rtp(111, false, 1, 48_000, 9, new byte[] {(byte) 0xf8, (byte) 0xff, (byte) 0xfe});
        down.relay(audio, audio.remaining(), sink); // a 20 ms Opus silence frame sets the timestamp base
        assertEquals(1, sent.size());
        int base = ByteBuffer.wrap(sent.get(0)).getInt(4);
        byte[] event = {5, (byte) 0x8a, (byte) (4800 >> 8), (byte) (4800 & 0xff)}; // digit 5, end, 100 ms at 48 kHz
        ByteBuffer e = rtp(110, true, 2, 48_000 + 960, 9, event);
        down.relay(e, e.remaining(), sink);
        assertEquals(2, sent.size());
        ByteBuffer p = ByteBuffer.wrap(sent.get(1));
        assertEquals(16, sent.get(1).length);
        assertEquals(0x80 | 101, p.get(1) & 0xff);
        assertEquals(base + 160, p.getInt(4), "the event's start in the 8 kHz clock");
        assertEquals(5, p.get(12));
        assertEquals(0x8a, p.get(13) & 0xff);
        assertEquals(800, p.getShort(14) & 0xffff, "100 ms at 8 kHz");
        ByteBuffer e2 = rtp(110, true, 2, 48_000 + 960, 9, event);
        noEvents.relay(e2, e2.remaining(), sink);
        assertEquals(2, sent.size(), "no telephone-event on the output: dropped");
        ByteBuffer cn = rtp(13, false, 3, 48_000 + 1920, 9, new byte[] {40});
        down.relay(cn, cn.remaining(), sink);
        assertEquals(2, sent.size(), "other payload types are dropped");
    }
}
