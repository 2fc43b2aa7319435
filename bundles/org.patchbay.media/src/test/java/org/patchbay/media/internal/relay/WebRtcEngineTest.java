package org.patchbay.media.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.patchbay.api.media.MediaHook.Kind;
import org.patchbay.api.media.MediaHook.Profile;
import org.patchbay.media.internal.dtls.CertificateFingerprint;
import org.patchbay.media.internal.dtls.DtlsSrtpEndpoint;
import org.patchbay.media.internal.dtls.DtlsSrtpKeys;
import org.patchbay.media.internal.dtls.NodeCertificate;
import org.patchbay.media.internal.dtls.PacketKind;
import org.patchbay.media.internal.dtls.QueueDatagramTransport;
import org.patchbay.media.internal.srtp.SdesCrypto;
import org.patchbay.media.internal.srtp.SrtpContext;
import org.patchbay.media.internal.srtp.SrtpProfile;
import org.patchbay.media.internal.stun.StunMessage;
import org.patchbay.media.internal.stun.StunMessageBuilder;

/**
 * WebRTC legs through the engine over real UDP on loopback: a simulated browser (ICE checks, DTLS client or server,
 * SRTP) and a plain phone, in both call directions; SDP conversion; media from a source ICE has not validated is
 * dropped.
 */
class WebRtcEngineTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<String> infos = new CopyOnWriteArrayList<>();
    private final List<String> ends = new CopyOnWriteArrayList<>();
    private int lastBrowserSeq;
    private MediaEngine engine;
    private Browser browser;
    private Phone phone;

    /** A browser's media socket: STUN responses counted, DTLS to its transport, SRTP queued. */
    static final class Browser implements AutoCloseable {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final NodeCertificate cert = NodeCertificate.generate(RANDOM);
        final String ufrag = "brUF";
        final String pwd = "browserpasswordbrowserpw";
        final AtomicInteger stunResponses = new AtomicInteger();
        final BlockingQueue<byte[]> media = new LinkedBlockingQueue<>();
        final QueueDatagramTransport transport;
        volatile InetSocketAddress node;
        final Thread reader;

        Browser() throws IOException {
            socket.setSoTimeout(50);
            transport = new QueueDatagramTransport((b, o, l) -> socket.send(new DatagramPacket(b, o, l, node)),
                    QueueDatagramTransport.DEFAULT_MTU);
            reader = new Thread(this::read, "test-browser");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (!socket.isClosed()) {
                try {
                    p.setLength(buf.length);
                    socket.receive(p);
                    switch (PacketKind.of(buf, 0, p.getLength())) {
                        case STUN -> stunResponses.incrementAndGet();
                        case DTLS -> transport.offer(buf, 0, p.getLength());
                        case RTP -> media.add(Arrays.copyOf(buf, p.getLength()));
                        default -> { }
                    }
                } catch (SocketTimeoutException e) {
                    // poll the closed flag
                } catch (IOException e) {
                    return;
                }
            }
        }

        String sdp(String setup) {
            int port = socket.getLocalPort();
            return "v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
                    + "a=extmap-allow-mixed\r\na=msid-semantic: WMS s1\r\n"
                    + "m=audio " + port + " UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
                    + "c=IN IP4 127.0.0.1\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
                    + "a=candidate:1 1 udp 2122260223 127.0.0.1 " + port + " typ host generation 0\r\n"
                    + "a=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + pwd + "\r\na=ice-options:trickle\r\n"
                    + "a=fingerprint:" + cert.fingerprint().format() + "\r\na=setup:" + setup + "\r\na=mid:0\r\n"
                    + "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=sendrecv\r\n"
                    + "a=msid:s1 t1\r\na=rtcp-mux\r\na=rtcp-rsize\r\na=rtpmap:111 opus/48000/2\r\n"
                    + "a=rtcp-fb:111 transport-cc\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
                    + "a=rtpmap:63 red/48000/2\r\na=fmtp:63 111/111\r\na=rtpmap:9 G722/8000\r\n"
                    + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:13 CN/8000\r\n"
                    + "a=rtpmap:110 telephone-event/48000\r\na=rtpmap:126 telephone-event/8000\r\n"
                    + "a=ssrc:777 cname:abc\r\n";
        }

        void check(String nodeUfrag, String nodePwd) throws IOException {
            byte[] check = new StunMessageBuilder(StunMessage.BINDING_REQUEST, RANDOM.generateSeed(12))
                    .username(nodeUfrag + ":" + ufrag).role(true, 7).priority(1).useCandidate()
                    .build(nodePwd.getBytes(StandardCharsets.UTF_8), true);
            socket.send(new DatagramPacket(check, check.length, node));
        }

        byte[] nextMedia(int millis) throws InterruptedException {
            return media.poll(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            transport.close();
            socket.close();
            reader.join(1000);
        }
    }

    private MediaEngine engine() throws IOException {
        int base = 61000 + 2 * ThreadLocalRandom.current().nextInt(2000); // above the ephemeral range, away from benches
        engine = new MediaEngine(new MediaEngine.Settings("127.0.0.1", "127.0.0.1", base, base + 19, 1, 0, true),
                new MediaEngine.Calls() {
                    @Override
                    public boolean answered(String callId) {
                        return true;
                    }

                    @Override
                    public void end(String callId, String reason) {
                        ends.add(callId + " " + reason);
                    }

                    @Override
                    public void info(String callId, String legId, String contentType, byte[] body) {
                        infos.add(callId + " " + legId + " " + contentType + " "
                                + new String(body, StandardCharsets.US_ASCII));
                    }
                });
        return engine;
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (engine != null) {
            engine.close(false);
        }
        if (browser != null) {
            browser.close();
        }
        if (phone != null) {
            phone.close();
        }
    }

    private static String attr(String sdp, String name) {
        for (String line : sdp.split("\r\n")) {
            if (line.startsWith("a=" + name + ":")) {
                return line.substring(name.length() + 3);
            }
        }
        return null;
    }

    private static String mLine(String sdp) {
        for (String line : sdp.split("\r\n")) {
            if (line.startsWith("m=audio")) {
                return line;
            }
        }
        throw new AssertionError("no m=audio in " + sdp);
    }

    /** ICE check, DTLS handshake with {@code browserIsClient}; returns the browser's SRTP keys. */
    private DtlsSrtpKeys secure(String nodeSdp, boolean browserIsClient) throws Exception {
        browser.node = new InetSocketAddress("127.0.0.1", Phone.port(nodeSdp));
        browser.check(attr(nodeSdp, "ice-ufrag"), attr(nodeSdp, "ice-pwd"));
        long deadline = System.currentTimeMillis() + 3000;
        while (browser.stunResponses.get() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, browser.stunResponses.get(), "STUN check answered");
        try (DtlsSrtpEndpoint dtls = new DtlsSrtpEndpoint(browser.cert,
                CertificateFingerprint.parse(attr(nodeSdp, "fingerprint")), browserIsClient,
                DtlsSrtpEndpoint.DEFAULT_PROFILES, 5000, RANDOM)) {
            return dtls.handshake(browser.transport);
        }
    }

    private void assertTwoWayAudio(DtlsSrtpKeys keys, int phoneSidePort) throws Exception {
        SrtpContext send = keys.sendContext();
        SrtpContext receive = keys.receiveContext();
        // browser → phone: SRTP in, plain RTP out. The browser may finish its handshake a moment before the node's
        // DTLS thread has installed the keys (it sent the last flight), so a stream is sent, as a browser does
        byte[] rtp = null;
        DatagramPacket got = null;
        for (int seq = 1; seq <= 20 && got == null; seq++) {
            rtp = Phone.rtpPacket(0, seq, 160L * seq, 777, 160);
            byte[] srtp = Arrays.copyOf(rtp, rtp.length + send.rtpOverhead());
            int n = send.protectRtp(srtp, 0, rtp.length);
            browser.socket.send(new DatagramPacket(srtp, n, browser.node));
            got = Phone.receive(phone.rtp, 100);
        }
        assertNotNull(got, "phone receives the browser's audio");
        lastBrowserSeq = ByteBuffer.wrap(got.getData()).getShort(2) & 0xffff;
        assertEquals(777, ByteBuffer.wrap(got.getData()).getInt(8), "plain RTP with the browser's SSRC");
        assertEquals(rtp.length, got.getLength());
        // phone → browser: plain RTP in, SRTP out
        phone.send(phoneSidePort, 0);
        byte[] in = browser.nextMedia(2000);
        assertNotNull(in, "browser receives the phone's audio");
        byte[] buf = Arrays.copyOf(in, in.length);
        int plain = receive.unprotectRtp(buf, 0, buf.length);
        assertEquals(172, plain, "SRTP that the browser's keys decrypt");
        assertEquals((int) phone.ssrc, ByteBuffer.wrap(buf).getInt(8));
        // the same SRTP from a source ICE never validated is dropped
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] again = Phone.rtpPacket(0, 100, 16000, 777, 160);
            byte[] s2 = Arrays.copyOf(again, again.length + send.rtpOverhead());
            int n2 = send.protectRtp(s2, 0, again.length);
            attacker.send(new DatagramPacket(s2, n2, browser.node));
            assertNull(Phone.receive(phone.rtp, 300), "media from an unvalidated source is dropped");
        }
    }

    @Test
    void browserCallsPhone() throws Exception {
        engine();
        browser = new Browser();
        phone = new Phone(4242);
        String toPhone = engine.sdpFor("w1", "w1.1", "w1.2", Kind.OFFER, browser.sdp("actpass"), Profile.RTP);
        assertTrue(mLine(toPhone).matches("m=audio \\d+ RTP/AVP 0 8 126"), mLine(toPhone));
        for (String gone : new String[] {"ice-", "candidate", "fingerprint", "setup", "mid", "group", "rtcp-mux",
                "ssrc", "msid", "extmap", "opus", "rtcp-fb"}) {
            assertFalse(toPhone.contains("a=" + gone), "no a=" + gone + " for the phone: " + toPhone);
        }
        assertTrue(toPhone.contains("a=rtpmap:126 telephone-event/8000"));
        String toBrowser = engine.sdpFor("w1", "w1.2", "w1.1", Kind.ANSWER, phone.sdp(), Profile.UNKNOWN);
        assertTrue(mLine(toBrowser).matches("m=audio \\d+ UDP/TLS/RTP/SAVPF 0 101"), mLine(toBrowser));
        assertTrue(toBrowser.contains("a=ice-lite\r\n"));
        assertTrue(toBrowser.contains("a=group:BUNDLE 0\r\n"));
        assertTrue(toBrowser.contains("a=mid:0\r\n"));
        assertTrue(toBrowser.contains("a=rtcp-mux\r\n"));
        assertTrue(toBrowser.contains("a=end-of-candidates\r\n"));
        assertEquals("passive", attr(toBrowser, "setup"));
        assertTrue(attr(toBrowser, "candidate").endsWith("127.0.0.1 " + Phone.port(toBrowser) + " typ host"));
        DtlsSrtpKeys keys = secure(toBrowser, true);
        assertTwoWayAudio(keys, Phone.port(toPhone));

        // SIP INFO DTMF from the browser goes to the phone as RFC 4733 inside the relayed stream
        assertTrue(engine.dtmf("w1", "w1.1", "w1.2", '7', 100));
        assertFalse(engine.dtmf("w1", "w1.2", "w1.1", '7', 100), "towards the browser the INFO stays");
        int seq = lastBrowserSeq;
        long ts = -1;
        for (int i = 0; i < 5; i++) {
            DatagramPacket e = Phone.receive(phone.rtp, 1000);
            assertNotNull(e, "event packet " + i);
            ByteBuffer b = ByteBuffer.wrap(e.getData(), 0, e.getLength());
            assertEquals(16, e.getLength());
            assertEquals(i == 0 ? 0x80 | 101 : 101, b.get(1) & 0xff, "payload type 101, marker on the first");
            assertEquals(++seq, b.getShort(2) & 0xffff, "the stream's next sequence number");
            ts = i == 0 ? b.getInt(4) : ts;
            assertEquals(ts, b.getInt(4), "one timestamp per event");
            assertEquals(777, b.getInt(8), "the relayed stream's SSRC");
            assertEquals(7, b.get(12));
            assertEquals(i >= 2, (b.get(13) & 0x80) != 0, "end bit on the last three");
            assertEquals(Math.min(i + 1, 2) * 400, b.getShort(14) & 0xffff);
        }
        byte[] next = Phone.rtpPacket(0, lastBrowserSeq + 1, 99_999, 777, 160);
        SrtpContext fresh = keys.sendContext(); // the test's own context went on to the attacker's sequence number
        byte[] srtp = Arrays.copyOf(next, next.length + fresh.rtpOverhead());
        browser.socket.send(new DatagramPacket(srtp, fresh.protectRtp(srtp, 0, next.length), browser.node));
        DatagramPacket after = Phone.receive(phone.rtp, 1000);
        assertNotNull(after);
        assertEquals(seq + 1, ByteBuffer.wrap(after.getData()).getShort(2) & 0xffff, "later audio renumbered");
        assertTrue(engine.stats("w1").stream().anyMatch(s -> s.legId().equals("w1.1") && s.latched()
                && s.packetsIn() >= 1));
    }

    @Test
    void phoneCallsBrowserAndTheBrowserAnswersPassive() throws Exception {
        engine();
        browser = new Browser();
        phone = new Phone(5151);
        String offer = engine.sdpFor("w2", "w2.1", "w2.2", Kind.OFFER,
                phone.sdp().replace("RTP/AVP 0 101", "RTP/AVP 9 0 8 101")
                        + "a=rtpmap:9 G722/8000\r\na=rtpmap:8 PCMA/8000\r\n", Profile.WEBRTC);
        assertTrue(mLine(offer).matches("m=audio \\d+ UDP/TLS/RTP/SAVPF 0 8 101"), mLine(offer));
        assertEquals("actpass", attr(offer, "setup"));
        assertTrue(offer.contains("a=ice-lite\r\n") && offer.contains("a=group:BUNDLE 0\r\n"));
        assertFalse(offer.contains("G722"));
        String answer = browser.sdp("passive").replace("111 63 9 0 8 13 110 126", "0 101")
                .replace("a=rtpmap:126 telephone-event/8000", "a=rtpmap:101 telephone-event/8000");
        String toPhone = engine.sdpFor("w2", "w2.2", "w2.1", Kind.ANSWER, answer, Profile.UNKNOWN);
        assertTrue(mLine(toPhone).matches("m=audio \\d+ RTP/AVP 0 101"), mLine(toPhone));
        // the browser answered passive: the node is the DTLS client, once ICE selected the pair
        DtlsSrtpKeys keys = secure(offer, false);
        assertTwoWayAudio(keys, Phone.port(toPhone));

        // RFC 4733 from the phone: relayed, and the digit goes to the browser's leg as SIP INFO too (once per event)
        for (int i = 0; i < 4; i++) {
            boolean end = i > 0;
            ByteBuffer p = ByteBuffer.allocate(16).put((byte) 0x80).put((byte) 101).putShort((short) (500 + i))
                    .putInt(80_000).putInt((int) phone.ssrc).put((byte) 11).put((byte) (end ? 0x8a : 0x0a))
                    .putShort((short) (end ? 800 : 400));
            phone.rtp.send(new DatagramPacket(p.array(), 16, InetAddress.getLoopbackAddress(), Phone.port(toPhone)));
        }
        long deadline = System.currentTimeMillis() + 2000;
        while (infos.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        assertEquals(List.of("w2 w2.2 application/dtmf-relay Signal=#\r\nDuration=100\r\n"), infos);
    }

    @Test
    void generatedDtmfReachesABrowserAsSrtpInTheRelayedStreamAndABrowserWithoutTelephoneEventIsRefused()
            throws Exception {
        engine();
        browser = new Browser();
        phone = new Phone(6161);
        String offer = engine.sdpFor("w4", "w4.1", "w4.2", Kind.OFFER, phone.sdp(), Profile.WEBRTC);
        String answer = browser.sdp("passive").replace("111 63 9 0 8 13 110 126", "0 101")
                .replace("a=rtpmap:110 telephone-event/48000\r\n", "")
                .replace("a=rtpmap:126 telephone-event/8000", "a=rtpmap:101 telephone-event/8000");
        String toPhone = engine.sdpFor("w4", "w4.2", "w4.1", Kind.ANSWER, answer, Profile.UNKNOWN);
        IllegalStateException early = assertThrows(IllegalStateException.class,
                () -> engine.sendDtmf("w4", "w4.2", "1", 100));
        assertTrue(early.getMessage().contains("DTLS-SRTP"), early.getMessage());
        DtlsSrtpKeys keys = secure(offer, false);
        assertTwoWayAudio(keys, Phone.port(toPhone)); // the browser got one packet of the phone's stream

        assertTrue(engine.sendDtmf("w4", "w4.2", "*", 100));
        SrtpContext receive = keys.receiveContext();
        int seq = -1;
        for (int i = 0; i < 5; i++) {
            byte[] in = browser.nextMedia(2000);
            assertNotNull(in, "SRTP event packet " + i);
            int n = receive.unprotectRtp(in, 0, in.length);
            assertEquals(16, n, "an RFC 4733 packet the browser's keys decrypt");
            ByteBuffer b = ByteBuffer.wrap(in, 0, n);
            assertEquals(i == 0 ? 0x80 | 101 : 101, b.get(1) & 0xff, "payload type 101, marker on the first");
            assertEquals((int) phone.ssrc, b.getInt(8), "the relayed stream's SSRC");
            seq = i == 0 ? b.getShort(2) & 0xffff : seq;
            assertEquals(seq + i, b.getShort(2) & 0xffff);
            assertEquals(10, b.get(12), "event 10: *");
            assertEquals(i >= 2, (b.get(13) & 0x80) != 0, "end bit on the last three");
        }
        assertEquals(1, seq, "after the phone's one packet (sequence 0)");
        assertTrue(engine.stats("w4").stream().anyMatch(s -> s.legId().equals("w4.2") && s.srtp()));

        // a browser that answered without telephone-event gets nothing, with a clear reason
        String plainOffer = engine.sdpFor("w5", "w5.1", "w5.2", Kind.OFFER, phone.sdp(), Profile.WEBRTC);
        assertNotNull(plainOffer);
        engine.sdpFor("w5", "w5.2", "w5.1", Kind.ANSWER, browser.sdp("passive").replace("111 63 9 0 8 13 110 126", "0")
                .replace("a=rtpmap:110 telephone-event/48000\r\na=rtpmap:126 telephone-event/8000\r\n", ""),
                Profile.UNKNOWN);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> engine.sendDtmf("w5", "w5.2", "1", 100));
        assertTrue(refused.getMessage().contains("did not negotiate telephone-event"), refused.getMessage());
    }

    @Test
    void aBrowserWithAnotherCertificateThanItsFingerprintGetsNoKeysAndNoMedia() throws Exception {
        engine();
        browser = new Browser();
        phone = new Phone(6161);
        String toPhone = engine.sdpFor("w3", "w3.1", "w3.2", Kind.OFFER, browser.sdp("actpass"), Profile.RTP);
        String toBrowser = engine.sdpFor("w3", "w3.2", "w3.1", Kind.ANSWER, phone.sdp(), Profile.UNKNOWN);
        browser.node = new InetSocketAddress("127.0.0.1", Phone.port(toBrowser));
        browser.check(attr(toBrowser, "ice-ufrag"), attr(toBrowser, "ice-pwd"));
        NodeCertificate impostor = NodeCertificate.generate(RANDOM);
        try (DtlsSrtpEndpoint dtls = new DtlsSrtpEndpoint(impostor,
                CertificateFingerprint.parse(attr(toBrowser, "fingerprint")), true, DtlsSrtpEndpoint.DEFAULT_PROFILES,
                3000, RANDOM)) {
            assertThrows(IOException.class, () -> dtls.handshake(browser.transport), "the node refuses the handshake");
        }
        phone.send(Phone.port(toPhone), 0);
        assertNull(browser.nextMedia(500), "no SRTP without keys");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!ends.contains("w3 dtls-failed") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of("w3 dtls-failed"), List.copyOf(ends), "the call ends at once, not at the media timeout");
    }

    @Test
    void aCheckWithTheWrongPasswordValidatesNothing() throws Exception {
        engine();
        browser = new Browser();
        phone = new Phone(7171);
        String toPhone = engine.sdpFor("w4", "w4.1", "w4.2", Kind.OFFER, browser.sdp("actpass"), Profile.RTP);
        String toBrowser = engine.sdpFor("w4", "w4.2", "w4.1", Kind.ANSWER, phone.sdp(), Profile.UNKNOWN);
        browser.node = new InetSocketAddress("127.0.0.1", Phone.port(toBrowser));
        browser.check(attr(toBrowser, "ice-ufrag"), "wrongpasswordwrongpassword");
        long deadline = System.currentTimeMillis() + 3000;
        while (browser.stunResponses.get() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, browser.stunResponses.get(), "answered with an error");
        phone.send(Phone.port(toPhone), 0);
        assertNull(browser.nextMedia(500), "nothing goes to a source ICE did not validate");
        assertTrue(engine.stats("w4").stream().noneMatch(s -> s.legId().equals("w4.1") && s.latched()));
    }

    @Test
    void anSdesPhoneCallsABrowserAndTheNodeTerminatesBothSrtpKinds() throws Exception {
        engine();
        browser = new Browser();
        phone = new Phone(8181);
        SdesCrypto phoneKey = SdesCrypto.generate(3, SrtpProfile.AES_CM_128_HMAC_SHA1_80, RANDOM);
        String phoneOffer = phone.sdp("a=crypto:2 FANCY_SUITE inline:AAAA", "a=" + phoneKey.format())
                .replace("RTP/AVP", "RTP/SAVP");
        String offer = engine.sdpFor("w5", "w5.1", "w5.2", Kind.OFFER, phoneOffer, Profile.WEBRTC);
        assertFalse(offer.contains("a=crypto"), "DTLS-SRTP only towards the browser");
        String answer = browser.sdp("active").replace("111 63 9 0 8 13 110 126", "0 101")
                .replace("a=rtpmap:126 telephone-event/8000", "a=rtpmap:101 telephone-event/8000");
        String toPhone = engine.sdpFor("w5", "w5.2", "w5.1", Kind.ANSWER, answer, Profile.UNKNOWN);
        assertTrue(mLine(toPhone).matches("m=audio \\d+ RTP/SAVP 0 101"), toPhone);
        SdesCrypto nodeKey = SdesCrypto.parse(attr(toPhone, "crypto").replaceFirst("^", "crypto:"));
        assertEquals(3, nodeKey.tag(), "the tag of the offer's line we took");
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, nodeKey.profile());
        DtlsSrtpKeys keys = secure(offer, true);
        int phoneSide = Phone.port(toPhone);

        // phone → browser: SDES-SRTP in, DTLS-SRTP out
        // (a stream: the node's DTLS thread installs the keys just after the browser's handshake returned)
        SrtpContext phoneSend = phoneKey.context();
        byte[] in = null;
        for (int seq = 1; seq <= 20 && in == null; seq++) {
            byte[] rtp = Phone.rtpPacket(0, seq, 160L * seq, 8181, 160);
            byte[] srtp = Arrays.copyOf(rtp, rtp.length + phoneSend.rtpOverhead());
            phone.rtp.send(new DatagramPacket(srtp, phoneSend.protectRtp(srtp, 0, rtp.length),
                    InetAddress.getLoopbackAddress(), phoneSide));
            in = browser.nextMedia(100);
        }
        assertNotNull(in, "browser receives the phone's audio");
        assertEquals(172, keys.receiveContext().unprotectRtp(in, 0, in.length));
        assertEquals(8181, ByteBuffer.wrap(in).getInt(8));

        // browser → phone: DTLS-SRTP in, SDES-SRTP with the node's key out
        SrtpContext browserSend = keys.sendContext();
        SrtpContext phoneReceive = nodeKey.context();
        DatagramPacket got = null;
        for (int seq = 1; seq <= 20 && got == null; seq++) {
            byte[] b = Phone.rtpPacket(0, seq, 160L * seq, 777, 160);
            byte[] sb = Arrays.copyOf(b, b.length + browserSend.rtpOverhead());
            browser.socket.send(new DatagramPacket(sb, browserSend.protectRtp(sb, 0, b.length), browser.node));
            got = Phone.receive(phone.rtp, 100);
        }
        assertNotNull(got, "phone receives the browser's audio");
        byte[] data = Arrays.copyOf(got.getData(), got.getLength());
        assertEquals(172, phoneReceive.unprotectRtp(data, 0, data.length), "SRTP under the key of the node's answer");
        assertEquals(777, ByteBuffer.wrap(data).getInt(8));
    }
}
