package org.patchbay.media.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.patchbay.api.media.MediaHook.Kind;
import org.patchbay.api.media.MediaStats;

/**
 * RFC 4733 generation on demand ({@link MediaEngine#sendDtmf}) captured on a real UDP socket, and the media of a losing
 * fork released while the call goes on ({@link MediaEngine#releaseLeg}), with the final statistics the call record
 * gets ({@link MediaEngine#releaseCall}).
 */
class DtmfAndForkTest {
    private MediaEngine engine;
    private final List<Phone> phones = new ArrayList<>();

    private MediaEngine engine(int pairs) throws IOException {
        int base = 61000 + 2 * ThreadLocalRandom.current().nextInt(2000); // above the ephemeral range, away from benches
        engine = new MediaEngine(new MediaEngine.Settings("127.0.0.1", "127.0.0.1", base, base + 2 * pairs - 1, 1, 0,
                true), new MediaEngine.Calls() {
            @Override
            public boolean answered(String callId) {
                return true;
            }

            @Override
            public void end(String callId, String reason) {
            }
        });
        return engine;
    }

    private Phone phone(long ssrc) throws IOException {
        Phone p = new Phone(ssrc);
        phones.add(p);
        return p;
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close(false);
        }
        phones.forEach(Phone::close);
    }

    /** An RFC 4733 packet as received. */
    private record Event(boolean marker, int pt, int seq, int ts, int ssrc, int event, boolean end, int duration) {
        static Event of(DatagramPacket p) {
            assertEquals(16, p.getLength(), "12 bytes of RTP header and 4 of telephone-event");
            ByteBuffer b = ByteBuffer.wrap(p.getData(), 0, p.getLength());
            assertEquals(0x80, b.get(0) & 0xff, "RTP version 2, no padding, extension or CSRC");
            return new Event((b.get(1) & 0x80) != 0, b.get(1) & 0x7f, b.getShort(2) & 0xffff, b.getInt(4), b.getInt(8),
                    b.get(12) & 0xff, (b.get(13) & 0x80) != 0, b.getShort(14) & 0xffff);
        }
    }

    private static List<Event> events(Phone to, int count) throws IOException {
        List<Event> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            DatagramPacket p = Phone.receive(to.rtp, 2000);
            assertNotNull(p, "event packet " + i + " of " + count);
            list.add(Event.of(p));
        }
        return list;
    }

    /**
     * One digit of {@code steps} 50 ms steps: a packet per step (marker on the first), then three end packets with the
     * final duration; durations in clock units.
     */
    private static void assertDigit(List<Event> packets, int event, int steps, int clock, int pt, int ssrc) {
        assertEquals(steps + 3, packets.size());
        int ts = packets.get(0).ts();
        for (int i = 0; i < packets.size(); i++) {
            Event e = packets.get(i);
            assertEquals(i == 0, e.marker(), "marker bit on the start packet only");
            assertEquals(pt, e.pt(), "negotiated telephone-event payload type");
            assertEquals(ssrc, e.ssrc(), "the stream's SSRC");
            assertEquals(ts, e.ts(), "one timestamp per event");
            assertEquals(event, e.event());
            assertEquals(i >= steps, e.end(), "E bit on the last three packets");
            assertEquals(Math.min(i + 1, steps) * clock / 20, e.duration(), "duration in " + clock + " Hz units");
        }
    }

    @Test
    void generatedDigitsContinueTheRelayedStream() throws Exception {
        engine(10);
        Phone a = phone(0x1234);
        Phone b = phone(2);
        engine.sdpFor("c", "c.1", "c.2", Kind.OFFER, a.sdp());
        int forA = Phone.port(engine.sdpFor("c", "c.2", "c.1", Kind.ANSWER, b.sdp()));
        a.send(forA, 0);
        DatagramPacket audio = Phone.receive(b.rtp, 2000);
        assertNotNull(audio);
        int seq = ByteBuffer.wrap(audio.getData()).getShort(2) & 0xffff;
        int ts = ByteBuffer.wrap(audio.getData()).getInt(4);

        assertTrue(engine.sendDtmf("c", "c.2", "1#", 100));
        List<Event> all = events(b, 10); // 2 digits of 100 ms: 2 steps + 3 end packets each
        for (int i = 0; i < all.size(); i++) {
            assertEquals(seq + 1 + i, all.get(i).seq(), "sequence numbers follow the relayed stream");
        }
        assertDigit(all.subList(0, 5), 1, 2, 8000, 101, 0x1234);
        assertDigit(all.subList(5, 10), 11, 2, 8000, 101, 0x1234);
        assertEquals(ts + 160, all.get(0).ts(), "the first event starts at the frame after the last audio");
        assertTrue(all.get(5).ts() - all.get(0).ts() > 800, "the second digit is a new event, after the first");

        a.send(forA, 0);
        DatagramPacket later = Phone.receive(b.rtp, 2000);
        assertNotNull(later);
        assertEquals(seq + 11, ByteBuffer.wrap(later.getData()).getShort(2) & 0xffff, "later audio renumbered");
        // the loop thread counts a packet after sending it: the count may lag the packet's arrival briefly
        long deadline = System.nanoTime() + 2_000_000_000L;
        long out;
        do {
            out = engine.stats("c").stream().filter(s -> s.legId().equals("c.2")).findFirst().orElseThrow()
                    .packetsOut();
        } while (out < 12 && System.nanoTime() < deadline && sleep(10));
        assertEquals(10 + 2, out);
    }

    @Test
    void generationFollowsTheNegotiatedClockAndPayloadTypeAndStartsAStreamWhenNoneWasRelayed() throws Exception {
        engine(10);
        Phone a = phone(1);
        Phone b = phone(2);
        engine.sdpFor("w", "w.1", "w.2", Kind.OFFER, a.sdp());
        engine.sdpFor("w", "w.2", "w.1", Kind.ANSWER, b.sdp().replace("RTP/AVP 0 101", "RTP/AVP 0 96")
                .replace("a=rtpmap:101 telephone-event/8000", "a=rtpmap:96 telephone-event/48000"));
        assertTrue(engine.sendDtmf("w", "w.2", "9", 160)); // rounds to 3 steps of 50 ms
        List<Event> digit = events(b, 6);
        assertDigit(digit, 9, 3, 48000, 96, digit.get(0).ssrc());
        for (int i = 1; i < digit.size(); i++) {
            assertEquals((digit.get(0).seq() + i) & 0xffff, digit.get(i).seq());
        }
    }

    @Test
    void refusalsAreClear() throws Exception {
        engine(10);
        Phone a = phone(1);
        Phone b = phone(2);
        Phone c = phone(3);
        engine.sdpFor("r", "r.1", "r.2", Kind.OFFER, a.sdp());
        engine.sdpFor("r", "r.2", "r.1", Kind.ANSWER, b.sdp("a=sendonly"));
        engine.sdpFor("r", "r.1", "r.3", Kind.OFFER, a.sdp());
        assertFalse(engine.sendDtmf("nope", "r.2", "1", 100), "no such call");
        assertFalse(engine.sendDtmf("r", "r.9", "1", 100), "no such leg");
        assertThrows(IllegalArgumentException.class, () -> engine.sendDtmf("r", "r.1", "12x", 100));
        assertThrows(IllegalArgumentException.class, () -> engine.sendDtmf("r", "r.1", "", 100));
        assertThrows(IllegalArgumentException.class, () -> engine.sendDtmf("r", "r.1", "1", 5000));
        IllegalStateException held = assertThrows(IllegalStateException.class,
                () -> engine.sendDtmf("r", "r.2", "1", 100));
        assertTrue(held.getMessage().contains("receives no media"), held.getMessage());
        IllegalStateException noSdp = assertThrows(IllegalStateException.class,
                () -> engine.sendDtmf("r", "r.3", "1", 100));
        assertTrue(noSdp.getMessage().contains("no SDP"), noSdp.getMessage());
        engine.sdpFor("r", "r.3", "r.1", Kind.ANSWER, c.sdp().replace("RTP/AVP 0 101", "RTP/AVP 0")
                .replace("a=rtpmap:101 telephone-event/8000\r\n", ""));
        IllegalStateException noEvents = assertThrows(IllegalStateException.class,
                () -> engine.sendDtmf("r", "r.3", "1", 100));
        assertTrue(noEvents.getMessage().contains("telephone-event"), noEvents.getMessage());
        assertNull(Phone.receive(c.rtp, 200), "nothing sent");
    }

    @Test
    void aLosingForkLosesItsPortsAndEarlyMediaAtOnceAndTheRecordGetsFinalStats() throws Exception {
        engine(10);
        Phone a = phone(1);
        Phone b = phone(2);
        Phone c = phone(3);
        int forB = Phone.port(engine.sdpFor("x", "x.1", "x.2", Kind.OFFER, a.sdp()));
        int forC = Phone.port(engine.sdpFor("x", "x.1", "x.3", Kind.OFFER, a.sdp()));
        int forA = Phone.port(engine.sdpFor("x", "x.3", "x.1", Kind.ANSWER, c.sdp()));   // 183 from c
        assertEquals(3, engine.portsInUse());
        c.send(forC, 0);
        assertNotNull(Phone.receive(a.rtp, 2000), "early media of fork c");

        MediaStats gone = engine.releaseLeg("x", "x.3"); // c rejected / cancelled
        assertNotNull(gone);
        assertEquals("x.3", gone.legId());
        assertEquals(1, gone.packetsIn());
        assertEquals("PCMU/8000", gone.codec());
        assertFalse(gone.srtp());
        assertNull(engine.releaseLeg("x", "x.3"), "once");
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (engine.portsInUse() > 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, engine.portsInUse(), "the losing fork's port pair is back in the pool");
        assertEquals(2, engine.endpoints());
        c.send(forC, 0);
        assertNull(Phone.receive(a.rtp, 300), "no more early media from the losing fork");
        a.send(forA, 0);
        assertNull(Phone.receive(c.rtp, 300), "and nothing towards it");

        engine.sdpFor("x", "x.2", "x.1", Kind.ANSWER, b.sdp()); // 200 from b
        b.send(forB, 0);
        assertNotNull(Phone.receive(a.rtp, 2000), "the winner is heard");
        a.send(forA, 0);
        assertNotNull(Phone.receive(b.rtp, 2000));

        List<MediaStats> last = engine.releaseCall("x");
        assertEquals(List.of("x.1", "x.2"), last.stream().map(MediaStats::legId).toList());
        MediaStats caller = last.get(0);
        assertEquals("PCMU/8000", caller.codec());
        assertEquals(2, caller.packetsIn());
        assertEquals(2, caller.packetsOut());
        assertNotEquals("", last.get(1).codec());
        assertTrue(engine.releaseCall("x").isEmpty());
        deadline = System.nanoTime() + 3_000_000_000L;
        while (engine.portsInUse() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, engine.portsInUse());
    }

    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
