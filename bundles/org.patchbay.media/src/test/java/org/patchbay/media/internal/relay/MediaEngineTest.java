package org.patchbay.media.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.patchbay.api.media.MediaHook.Kind;
import org.patchbay.api.media.MediaStats;
import org.patchbay.api.media.MediaUnavailableException;

/** The relay over real UDP sockets on loopback. */
class MediaEngineTest {
    private final Map<String, String> ended = new ConcurrentHashMap<>();
    private volatile boolean answered = true;
    private final AtomicInteger answeredAsked = new AtomicInteger();
    private MediaEngine engine;
    private final List<Phone> phones = new java.util.ArrayList<>();

    private MediaEngine engine(int pairs, int timeoutSeconds) throws IOException {
        int base = 61000 + 2 * ThreadLocalRandom.current().nextInt(2000); // above the ephemeral range, away from benches
        engine = new MediaEngine(new MediaEngine.Settings("127.0.0.1", "127.0.0.1", base, base + 2 * pairs - 1, 1,
                timeoutSeconds, true), new MediaEngine.Calls() {
            @Override
            public boolean answered(String callId) {
                answeredAsked.incrementAndGet();
                return answered;
            }

            @Override
            public void end(String callId, String reason) {
                ended.put(callId, reason);
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

    /** Caller a (leg c.1) and callee b (leg c.2) set up; returns {node port for a, node port for b}. */
    private int[] connect(String call, Phone a, Phone b) {
        int forB = Phone.port(engine.sdpFor(call, call + ".1", call + ".2", Kind.OFFER, a.sdp()));
        int forA = Phone.port(engine.sdpFor(call, call + ".2", call + ".1", Kind.ANSWER, b.sdp()));
        return new int[] {forA, forB};
    }

    private static void assertRelayed(Phone from, int nodePort, Phone to) throws IOException {
        from.send(nodePort, 0);
        DatagramPacket p = Phone.receive(to.rtp, 2000);
        assertNotNull(p, "packet relayed");
        assertEquals(from.ssrc, ByteBuffer.wrap(p.getData()).getInt(8) & 0xffffffffL, "the sender's packet, unchanged");
    }

    private static void assertNotRelayed(Phone from, int nodePort, Phone to) throws IOException {
        from.send(nodePort, 0);
        assertNull(Phone.receive(to.rtp, 300), "packet must not be relayed");
    }

    @Test
    void relaysBothWaysFromTheNodesPortsIncludingTelephoneEvents() throws Exception {
        engine(10, 0);
        Phone a = phone(1);
        Phone b = phone(2);
        int[] ports = connect("c", a, b);
        assertNotEquals(ports[0], ports[1]);
        assertEquals(0, ports[0] % 2);
        assertRelayed(a, ports[0], b);
        assertRelayed(b, ports[1], a);
        a.send(ports[0], 101);
        DatagramPacket dtmf = Phone.receive(b.rtp, 2000);
        assertNotNull(dtmf);
        assertEquals(101, dtmf.getData()[1] & 0x7f, "RFC 4733 event passed through");
        assertEquals(ports[1], dtmf.getPort(), "b hears the node's port for b");

        MediaStats sa = stats("c", "c.1");
        assertEquals(2, sa.packetsIn());
        assertEquals(1, sa.packetsOut());
        assertTrue(sa.latched());
        assertEquals("127.0.0.1:" + a.rtp.getLocalPort(), sa.remote());
        assertEquals("127.0.0.1:" + ports[0], sa.local());
        assertEquals(2, stats("c", "c.2").packetsOut());
    }

    @Test
    void relayPathAndTimeoutCheckAllocateNothing() throws Exception {
        // timeout on, nobody answered: every second the check walks each call to the end (silent: asks the core,
        // restarts the clock) and ends nothing
        engine(10, 1);
        answered = false;
        Phone a = phone(1);
        Phone b = phone(2);
        int[] ports = connect("c", a, b);
        connect("q", phone(3), phone(4)); // a second call on the same loop that stays quiet
        assertRelayed(a, ports[0], b);
        assertRelayed(b, ports[1], a);
        Thread loop = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("pb-media-1"))
                .findFirst().orElseThrow();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        int packets = 2000;
        long before = mx.getThreadAllocatedBytes(loop.getId());
        for (int i = 0; i < packets; i++) {
            a.send(ports[0], 0);
            assertNotNull(Phone.receive(b.rtp, 2000));
        }
        long perPacket = (mx.getThreadAllocatedBytes(loop.getId()) - before) / packets;
        // measured 0; a copy or an address would be >= 32 bytes
        assertTrue(perPacket < 4, perPacket + " bytes allocated per relayed packet");

        // then 2.5 s without packets: the loop only selects and runs its timeout checks
        int asked = answeredAsked.get();
        before = mx.getThreadAllocatedBytes(loop.getId());
        Thread.sleep(2500);
        long quiet = mx.getThreadAllocatedBytes(loop.getId()) - before;
        assertTrue(answeredAsked.get() > asked, "the timeout check ran in the quiet window");
        // measured 0; copying a call's endpoints for the check took ~150 bytes per call per second
        assertTrue(quiet < 32, quiet + " bytes allocated by the loop thread in 2.5 s of timeout checks");
        assertTrue(ended.isEmpty(), "nothing ended: " + ended);
    }

    @Test
    void latchesOnTheFirstSourceAndDropsOthers() throws Exception {
        engine(10, 0);
        Phone a = phone(1);
        Phone b = phone(2);
        Phone intruder = phone(3);
        int[] ports = connect("c", a, b);
        assertRelayed(a, ports[0], b);
        assertNotRelayed(intruder, ports[0], b);
        assertTrue(stats("c", "c.1").droppedIn() >= 1);
        // symmetric RTP: b's media goes to where a sends from, even when a's SDP said otherwise
        engine.sdpFor("c", "c.1", "c.2", Kind.OFFER, a.sdp().replace("m=audio " + a.rtp.getLocalPort(), "m=audio "
                + a.rtp.getLocalPort()));
        assertRelayed(b, ports[1], a);
    }

    @Test
    void newAddressInSdpUnlatches() throws Exception {
        engine(10, 0);
        Phone a = phone(1);
        Phone a2 = phone(11);
        Phone b = phone(2);
        int[] ports = connect("c", a, b);
        assertRelayed(a, ports[0], b);
        int again = Phone.port(engine.sdpFor("c", "c.2", "c.1", Kind.OFFER, b.sdp()));
        assertEquals(ports[0], again, "ports stay stable across re-INVITEs");
        engine.sdpFor("c", "c.1", "c.2", Kind.ANSWER, a2.sdp());
        assertRelayed(a2, ports[0], b);
        assertRelayed(b, ports[1], a2);
    }

    @Test
    void holdFollowsTheDirectionsAndResumes() throws Exception {
        engine(10, 0);
        Phone a = phone(1);
        Phone b = phone(2);
        int[] ports = connect("c", a, b);
        assertRelayed(a, ports[0], b);
        assertRelayed(b, ports[1], a);

        assertEquals(ports[1], Phone.port(engine.sdpFor("c", "c.1", "c.2", Kind.OFFER, a.sdp("a=sendonly"))));
        assertEquals(ports[0], Phone.port(engine.sdpFor("c", "c.2", "c.1", Kind.ANSWER, b.sdp("a=recvonly"))));
        assertRelayed(a, ports[0], b);     // music on hold still reaches b
        assertNotRelayed(b, ports[1], a);  // b does not send to a holding party
        assertEquals("sendonly", stats("c", "c.1").direction());

        engine.sdpFor("c", "c.1", "c.2", Kind.OFFER, a.sdp("a=inactive"));
        engine.sdpFor("c", "c.2", "c.1", Kind.ANSWER, b.sdp("a=inactive"));
        assertNotRelayed(a, ports[0], b);
        assertNotRelayed(b, ports[1], a);

        // RFC 2543 hold: c=0.0.0.0
        engine.sdpFor("c", "c.1", "c.2", Kind.OFFER, a.sdpAt("0.0.0.0"));
        engine.sdpFor("c", "c.2", "c.1", Kind.ANSWER, b.sdp());
        assertNotRelayed(b, ports[1], a);

        engine.sdpFor("c", "c.1", "c.2", Kind.OFFER, a.sdp());
        engine.sdpFor("c", "c.2", "c.1", Kind.ANSWER, b.sdp());
        assertRelayed(a, ports[0], b);
        assertRelayed(b, ports[1], a);
    }

    @Test
    void lateOfferStartsFromTheCallee() throws Exception {
        engine(10, 0);
        Phone a = phone(1);
        Phone b = phone(2);
        int forA = Phone.port(engine.sdpFor("c", "c.2", "c.1", Kind.OFFER, b.sdp()));
        int forB = Phone.port(engine.sdpFor("c", "c.1", "c.2", Kind.ANSWER, a.sdp()));
        assertRelayed(a, forA, b);
        assertRelayed(b, forB, a);
    }

    @Test
    void forkingRelaysEarlyMediaThenTheWinner() throws Exception {
        engine(10, 0);
        Phone a = phone(1);
        Phone b = phone(2);
        Phone c = phone(3);
        int forB = Phone.port(engine.sdpFor("x", "x.1", "x.2", Kind.OFFER, a.sdp()));
        int forC = Phone.port(engine.sdpFor("x", "x.1", "x.3", Kind.OFFER, a.sdp()));
        int forA = Phone.port(engine.sdpFor("x", "x.3", "x.1", Kind.ANSWER, c.sdp()));   // 183 from c
        assertRelayed(c, forC, a);
        assertNotRelayed(b, forB, a);
        assertEquals(forA, Phone.port(engine.sdpFor("x", "x.2", "x.1", Kind.ANSWER, b.sdp()))); // 200 from b
        assertRelayed(b, forB, a);
        assertNotRelayed(c, forC, a);
        assertRelayed(a, forA, b);
        assertNull(Phone.receive(c.rtp, 200), "the losing fork gets nothing");
    }

    @Test
    void rtcpIsRelayedAndGivesLossJitterAndRtt() throws Exception {
        engine(10, 0);
        Phone a = phone(1);
        Phone b = phone(2);
        int[] ports = connect("c", a, b);
        // a's SR reaches b's RTCP port from the node's RTCP port for b
        ByteBuffer sr = ByteBuffer.allocate(28);
        sr.put((byte) 0x80).put((byte) 200).putShort((short) 6).putInt(1).putInt(0x11223344).putInt(0x55667788)
                .putInt(0).putInt(10).putInt(1600);
        a.sendRaw(a.rtcp, sr.array(), ports[0] + 1);
        DatagramPacket got = Phone.receive(b.rtcp, 2000);
        assertNotNull(got, "SR relayed");
        assertEquals(ports[1] + 1, got.getPort());
        // b answers with an RR: 7 lost, jitter 80 units (10 ms), echoing the SR's middle bits, held 1/65536 s
        ByteBuffer rr = ByteBuffer.allocate(32);
        rr.put((byte) 0x81).put((byte) 201).putShort((short) 7).putInt(2)
                .putInt(1).putInt(7).putInt(100).putInt(80).putInt(0x33445566).putInt(1);
        b.sendRaw(b.rtcp, rr.array(), ports[1] + 1);
        assertNotNull(Phone.receive(a.rtcp, 2000), "RR relayed");
        MediaStats sb = stats("c", "c.2");
        assertEquals(7, sb.reportedLost());
        assertEquals(10.0, sb.reportedJitterMs(), 0.001);
        assertTrue(sb.rttMs() >= 0 && sb.rttMs() < 1000, "rtt " + sb.rttMs());
    }

    @Test
    void rtcpMuxGoesToTheRtpPort() throws Exception {
        engine(10, 0);
        Phone a = phone(1);
        Phone b = phone(2);
        int forB = Phone.port(engine.sdpFor("c", "c.1", "c.2", Kind.OFFER, a.sdp("a=rtcp-mux")));
        int forA = Phone.port(engine.sdpFor("c", "c.2", "c.1", Kind.ANSWER, b.sdp("a=rtcp-mux")));
        assertRelayed(a, forA, b);
        ByteBuffer rr = ByteBuffer.allocate(8);
        rr.put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt(1);
        a.sendRaw(a.rtp, rr.array(), forA);
        DatagramPacket got = Phone.receive(b.rtp, 2000);
        assertNotNull(got, "muxed RTCP relayed to the RTP port");
        assertEquals(201, got.getData()[1] & 0xff);
        assertEquals(forB, got.getPort());
    }

    @Test
    void lossAndJitterOfAReceivedStream() throws Exception {
        engine(10, 0);
        Phone a = phone(1);
        Phone b = phone(2);
        int[] ports = connect("c", a, b);
        for (int i = 0; i < 50; i++) {
            if (i % 10 == 3) {
                a.seq++; // a gap of one packet, five times
                continue;
            }
            a.send(ports[0], 0);
        }
        for (int i = 0; i < 45; i++) {
            assertNotNull(Phone.receive(b.rtp, 2000), "packet " + i);
        }
        MediaStats s = stats("c", "c.1");
        assertEquals(45, s.packetsIn());
        assertEquals(5, s.lostIn());
        // sent in a burst while the timestamps say 20 ms apart: the jitter shows it
        assertTrue(s.jitterInMs() > 1, "jitter " + s.jitterInMs());
    }

    @Test
    void mediaTimeoutEndsAnAnsweredCallButNotOnHold() throws Exception {
        engine(10, 1);
        Phone a = phone(1);
        Phone b = phone(2);
        int[] ports = connect("c", a, b);
        connect("k", phone(5), phone(6));
        engine.sdpFor("h", "h.1", "h.2", Kind.OFFER, phone(3).sdp("a=inactive"));
        engine.sdpFor("h", "h.2", "h.1", Kind.ANSWER, phone(4).sdp("a=inactive"));
        engine.sdpFor("s", "s.1", "s.2", Kind.OFFER, phone(7).sdp("a=sendonly"));
        engine.sdpFor("s", "s.2", "s.1", Kind.ANSWER, phone(8).sdp("a=recvonly"));
        engine.sdpFor("z", "z.1", "z.2", Kind.OFFER, phone(9).sdpAt("0.0.0.0"));
        engine.sdpFor("z", "z.2", "z.1", Kind.ANSWER, phone(10).sdp());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!ended.containsKey("c") && System.nanoTime() < deadline) {
            a.send(ports[0], 0); // "k" stays quiet, "c" keeps talking for a while, then stops
            Thread.sleep(ended.containsKey("k") ? 50 : 200);
            if (!ended.containsKey("k")) {
                continue;
            }
            deadline = Math.min(deadline, System.nanoTime() + 3_000_000_000L);
            while (!ended.containsKey("c") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        assertEquals("media-timeout", ended.get("k"));
        assertEquals("media-timeout", ended.get("c"), "silent once a stops sending");
        assertNull(ended.get("h"), "inactive both ways: no media to miss");
        assertNull(ended.get("s"), "sendonly/recvonly hold: the holding phone may send nothing");
        assertNull(ended.get("z"), "c=0.0.0.0 hold");
    }

    @Test
    void noTimeoutBeforeTheAnswer() throws Exception {
        engine(10, 1);
        answered = false;
        connect("c", phone(1), phone(2));
        Thread.sleep(2500);
        assertTrue(ended.isEmpty(), "ringing with early-media SDP is not a media timeout: " + ended);
    }

    @Test
    void portExhaustionIsACleanErrorAndReleaseFreesThePorts() throws Exception {
        engine(2, 0);
        Phone a = phone(1);
        Phone b = phone(2);
        int[] ports = connect("c", a, b);
        assertEquals(2, engine.portsInUse());
        MediaUnavailableException e = assertThrows(MediaUnavailableException.class,
                () -> engine.sdpFor("d", "d.1", "d.2", Kind.OFFER, a.sdp()));
        assertTrue(e.getMessage().contains("no free RTP port pair"), e.getMessage());
        engine.release("d");
        engine.release("c");
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (engine.portsInUse() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, engine.portsInUse());
        assertEquals(0, engine.endpoints());
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports[0]))) {
            assertEquals(ports[0], s.getLocalPort(), "the released port is closed");
        }
        assertTrue(engine.stats("c").isEmpty());
    }

    @Test
    void closeEndsEveryAnchoredCall() throws Exception {
        engine(10, 0);
        connect("c", phone(1), phone(2));
        engine.close(true);
        assertEquals(Map.of("c", "media-stopped"), ended);
        assertEquals(0, engine.portsInUse());
        assertThrows(IllegalStateException.class, () -> engine.sdpFor("e", "e.1", "e.2", Kind.OFFER, phones.get(0).sdp()));
    }

    @Test
    void passThroughWhenNotAnchoring() throws Exception {
        int base = 61000 + 2 * ThreadLocalRandom.current().nextInt(2000); // above the ephemeral range, away from benches
        engine = new MediaEngine(new MediaEngine.Settings("127.0.0.1", "127.0.0.1", base, base + 9, 1, 0, false), new AnsweredCalls());
        String sdp = phone(1).sdp();
        assertEquals(sdp, engine.sdpFor("c", "c.1", "c.2", Kind.OFFER, sdp));
        assertEquals(0, engine.endpoints());
    }

    private MediaStats stats(String call, String leg) throws InterruptedException {
        Thread.sleep(50); // the loop thread counts right after it relays
        return engine.stats(call).stream().filter(s -> s.legId().equals(leg)).findFirst().orElseThrow();
    }
}
