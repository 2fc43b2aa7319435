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

    /** A browser's Opus stream: 48 kHz, 20 ms frames, in-band FEC on as when the answer says useinbandfec=1. */
    private static List<byte[]> browserOpus(int packets, double hz) throws Exception {
        var encoder = new io.github.jaredmdobson.concentus.OpusEncoder(48000, 1,
                io.github.jaredmdobson.concentus.OpusApplication.OPUS_APPLICATION_VOIP);
        encoder.setBitrate(32000);
        encoder.setUseInbandFEC(true);
        encoder.setPacketLossPercent(20);
        List<byte[]> out = new ArrayList<>();
        byte[] b = new byte[1275];
        for (int i = 0; i < packets; i++) {
            int n = encoder.encode(Tone.sine(hz, 48000, 8000, i * 960, 960), 0, 960, b, 0, b.length);
            out.add(java.util.Arrays.copyOf(b, n));
        }
        return out;
    }

    @Test
    void lostOpusPacketsAreRecoveredFromFecAndConcealed() throws Exception {
        Transcoder down = new Transcoder(new Transcoder.Side(Codec.OPUS, 111, 110),
                new Transcoder.Side(Codec.PCMU, 0, 101), new Random(4));
        List<byte[]> opus = browserOpus(50, 600);
        java.util.Set<Integer> dropped = java.util.Set.of(20, 30, 31); // one lost packet, then two in a row
        for (int i = 0; i < 50; i++) {
            if (!dropped.contains(i)) {
                ByteBuffer b = rtp(111, i == 0, 7000 + i, 90000 + 960 * i, 9, opus.get(i));
                down.relay(b, b.remaining(), sink);
            }
        }
        assertEquals(3, down.recovered());
        assertEquals(50, sent.size(), "the three lost packets are filled in");
        int ts0 = ByteBuffer.wrap(sent.get(0)).getInt(4);
        int seq0 = ByteBuffer.wrap(sent.get(0)).getShort(2) & 0xffff;
        for (int i = 0; i < 50; i++) {
            ByteBuffer p = ByteBuffer.wrap(sent.get(i));
            assertEquals(ts0 + 160 * i, p.getInt(4), "packet " + i + " at its own time");
            assertEquals((seq0 + i) & 0xffff, p.getShort(2) & 0xffff);
        }
        double tone = 8000.0 * 8000 / 2;
        // measured: 20 (FEC from 21) 1.1 x the tone's energy; 30 (concealed) 0.32 x, 31 (no FEC data in 32 for it:
        // concealed again, fading) 0.05 x; a concealment of the single loss instead of FEC would give about 0.3 x
        assertTrue(energy(sent.get(20)) > tone * 0.6, "FEC restores the single lost packet: " + energy(sent.get(20)));
        for (int i : new int[] {20, 30, 31}) {
            double energy = energy(sent.get(i));
            assertTrue(energy > tone * 0.01, "packet " + i + " carries sound, energy " + energy);
            short[] pcm = pcmu(sent.get(i));
            assertTrue(Tone.goertzel(pcm, 0, 160, 600, 8000) * 2 > energy * 0.5, "packet " + i + " continues the tone");
        }
    }

    private static short[] pcmu(byte[] packet) {
        short[] pcm = new short[packet.length - 12];
        for (int j = 0; j < pcm.length; j++) {
            pcm[j] = G711.decodeUlaw(packet[12 + j]);
        }
        return pcm;
    }

    private static double energy(byte[] packet) {
        short[] pcm = pcmu(packet);
        return Tone.energy(pcm, 0, pcm.length);
    }

    @Test
    void lateAndRepeatedPacketsAreDroppedAndG711LossStaysAGap() {
        Transcoder t = new Transcoder(new Transcoder.Side(Codec.PCMA, 8, -1),
                new Transcoder.Side(Codec.PCMU, 0, -1), new Random(5));
        for (int seq : new int[] {1, 2, 3, 2, 3, 4, 6, 7}) {
            ByteBuffer b = rtp(8, false, seq, 160 * seq, 11, new byte[160]);
            t.relay(b, b.remaining(), sink);
        }
        assertEquals(6, sent.size(), "1, 2, 3, 4, 6, 7: the repeats are dropped, the lost 5 is not invented");
        assertEquals(0, t.recovered());
        int ts0 = ByteBuffer.wrap(sent.get(0)).getInt(4);
        assertEquals(ts0 + 160 * 5, ByteBuffer.wrap(sent.get(4)).getInt(4), "6 keeps its time after the gap");
        // a new SSRC starts a new numbering, even one far behind the old
        ByteBuffer b = rtp(8, false, 2, 160 * 8, 12, new byte[160]);
        t.relay(b, b.remaining(), sink);
        assertEquals(7, sent.size());
    }

    /**
     * What a browser's decoder makes of a lost packet from the packet after it (decode with FEC): the share of the
     * frame's power at 1000 Hz, the tone that started with the lost packet (600 Hz before it). Concealment can only
     * continue the 600 Hz it heard; FEC data carries the new tone.
     */
    private double newToneAfterLoss(boolean fec) throws Exception {
        sent.clear();
        Transcoder up = new Transcoder(new Transcoder.Side(Codec.PCMU, 0, -1),
                new Transcoder.Side(Codec.OPUS, 111, -1, fec), new Random(6));
        for (int i = 0; i < 30; i++) {
            short[] tone = Tone.sine(i < 20 ? 600 : 1000, 8000, 8000, i * 160, 160);
            ByteBuffer b = rtp(0, false, 100 + i, 160 * i, 3, ulaw(tone));
            up.relay(b, b.remaining(), sink);
        }
        var decoder = new io.github.jaredmdobson.concentus.OpusDecoder(8000, 1);
        short[] pcm = new short[160];
        for (int i = 0; i < 20; i++) {
            decoder.decode(sent.get(i), 12, sent.get(i).length - 12, pcm, 0, 160, false);
        }
        // packet 20 is lost: packet 21's FEC part, if any, stands in for it
        int n = decoder.decode(sent.get(21), 12, sent.get(21).length - 12, pcm, 0, 160, true);
        assertEquals(160, n);
        return Tone.goertzel(pcm, 0, n, 1000, 8000) * 2 / Tone.energy(pcm, 0, n);
    }

    @Test
    void opusTowardsAReceiverThatAskedForFecCarriesIt() throws Exception {
        double withFec = newToneAfterLoss(true);
        double without = newToneAfterLoss(false);
        // measured: 0.43 with FEC (a coarse copy, and the frame where the tone changes), 0.0001 without
        assertTrue(withFec > 0.25, "the lost frame's new tone comes back from the next packet: " + withFec);
        assertTrue(without < 0.05, "without FEC only concealment of the old tone: " + without);
    }
}
