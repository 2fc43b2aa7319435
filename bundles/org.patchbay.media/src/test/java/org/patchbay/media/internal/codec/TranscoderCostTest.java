package org.patchbay.media.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A rough measurement, printed and quoted in the README, never asserted: CPU time and heap allocation per 20 ms packet
 * of each direction of a PCMU ↔ Opus call (thread CPU time, so other load on the machine counts little). The test
 * checks only that every packet came out. Off by default (it takes about 15 s of CPU):
 * {@code mvn -o -q verify -pl bundles/org.patchbay.media -am -Dtest=TranscoderCostTest -Dmedia.cost=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "media.cost", matches = "true")
class TranscoderCostTest {
    private static final int WARM = 2500;
    private static final int PACKETS = 1500;

    @Test
    void costPerTranscodedCall() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Transcoder up = new Transcoder(new Transcoder.Side(Codec.PCMU, 0, 101),
                new Transcoder.Side(Codec.OPUS, 111, 110), new Random(1));
        Transcoder down = new Transcoder(new Transcoder.Side(Codec.OPUS, 111, 110),
                new Transcoder.Side(Codec.PCMU, 0, 101), new Random(2));
        // input: 1 kHz PCMU from the phone, and 48 kHz Opus (hybrid, as a browser sends it) from the browser
        var browser = new OpusEncoderFor48k();
        byte[][] pcmu = new byte[50][160];
        byte[][] opus = new byte[50][];
        for (int f = 0; f < 50; f++) {
            short[] s = Tone.sine(1000, 8000, 8000, f * 160, 160);
            for (int i = 0; i < 160; i++) {
                pcmu[f][i] = G711.encodeUlaw(s[i]);
            }
            opus[f] = browser.encode(Tone.sine(1000, 48000, 8000, f * 960, 960));
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(8192);
        int[] out = new int[1];
        Transcoder.Sink sink = (b, len) -> out[0]++;
        long[] upCost = run(mx, up, buf, sink, pcmu, 0, 160);
        long[] downCost = run(mx, down, buf, sink, opus, 111, 960);
        Transcoder g711 = new Transcoder(new Transcoder.Side(Codec.PCMU, 0, 101),
                new Transcoder.Side(Codec.PCMA, 8, 101), new Random(3));
        long[] g711Cost = run(mx, g711, buf, sink, pcmu, 0, 160);
        assertEquals(3 * (WARM + PACKETS), out[0], "one packet out per 20 ms packet in, every way");
        double upMicros = upCost[0] / 1000.0 / PACKETS;
        double downMicros = downCost[0] / 1000.0 / PACKETS;
        System.out.printf("transcoding cost per 20 ms packet: PCMU->Opus %.1f us (%d B allocated), Opus->PCMU %.1f us"
                + " (%d B allocated); one call (both ways) = %.2f %% of a core%n", upMicros, upCost[1] / PACKETS,
                downMicros, downCost[1] / PACKETS, (upMicros + downMicros) / 20_000 * 100);
        System.out.printf("PCMU->PCMA (the transcoder's own work, no Opus): %.1f us, %d B allocated per packet%n",
                g711Cost[0] / 1000.0 / PACKETS, g711Cost[1] / PACKETS);
    }

    private static long[] run(com.sun.management.ThreadMXBean mx, Transcoder t, ByteBuffer buf, Transcoder.Sink sink,
                              byte[][] payloads, int pt, int step) {
        long tid = Thread.currentThread().getId();
        long cpu = 0;
        long bytes = 0;
        for (int i = 0; i < WARM + PACKETS; i++) {
            if (i == WARM) {
                cpu = mx.getCurrentThreadCpuTime();
                bytes = mx.getThreadAllocatedBytes(tid);
            }
            byte[] p = payloads[i % payloads.length];
            buf.clear();
            buf.put((byte) 0x80).put((byte) pt).putShort((short) i).putInt(i * step).putInt(7).put(p).flip();
            t.relay(buf, buf.remaining(), sink);
        }
        return new long[] {mx.getCurrentThreadCpuTime() - cpu, mx.getThreadAllocatedBytes(tid) - bytes};
    }

    /** A browser's encoder: 48 kHz mono Opus, VOIP, 32 kbit/s (hybrid packets). */
    private static final class OpusEncoderFor48k {
        private final io.github.jaredmdobson.concentus.OpusEncoder encoder;

        OpusEncoderFor48k() {
            try {
                encoder = new io.github.jaredmdobson.concentus.OpusEncoder(48000, 1,
                        io.github.jaredmdobson.concentus.OpusApplication.OPUS_APPLICATION_VOIP);
            } catch (io.github.jaredmdobson.concentus.OpusException e) {
                throw new IllegalStateException(e);
            }
            encoder.setBitrate(32000);
        }

        byte[] encode(short[] pcm) {
            byte[] out = new byte[1500];
            try {
                int n = encoder.encode(pcm, 0, pcm.length, out, 0, out.length);
                return java.util.Arrays.copyOf(out, n);
            } catch (io.github.jaredmdobson.concentus.OpusException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
