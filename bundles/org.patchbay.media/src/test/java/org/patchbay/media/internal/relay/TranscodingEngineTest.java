package org.patchbay.media.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.patchbay.api.media.MediaHook.Kind;
import org.patchbay.api.media.MediaHook.Profile;
import org.patchbay.media.internal.codec.Codec;
import org.patchbay.media.internal.codec.G711;
import org.patchbay.media.internal.codec.Tone;
import org.patchbay.media.internal.dtls.CertificateFingerprint;
import org.patchbay.media.internal.dtls.DtlsSrtpEndpoint;
import org.patchbay.media.internal.dtls.DtlsSrtpKeys;
import org.patchbay.media.internal.srtp.SrtpContext;

/**
 * An Opus-only browser (the simulated one of {@link WebRtcEngineTest}) calls a PCMU-only phone through the engine over
 * real UDP: the phone is offered G.711 besides Opus, the browser is answered in Opus, and tone audio crosses the
 * transcoder both ways (SRTP-decrypt, decode, encode, plain RTP and back); RFC 4733 events are mapped to the phone's
 * type and clock.
 */
class TranscodingEngineTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private MediaEngine engine;
    private WebRtcEngineTest.Browser browser;
    private Phone phone;

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

    private static String opusOnly(String browserSdp) {
        StringBuilder out = new StringBuilder();
        for (String line : browserSdp.split("\r\n")) {
            if (line.startsWith("m=audio ")) {
                line = line.replace("111 63 9 0 8 13 110 126", "111 110");
            } else if (line.matches("a=(rtpmap|fmtp|rtcp-fb):(63|9|0|8|13|126) .*")) {
                continue;
            }
            out.append(line).append("\r\n");
        }
        return out.toString();
    }

    private static String line(String sdp, String prefix) {
        for (String l : sdp.split("\r\n")) {
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        throw new AssertionError("no " + prefix + " in " + sdp);
    }

    private static String attr(String sdp, String name) {
        return line(sdp, "a=" + name + ":").substring(name.length() + 3);
    }

    @Test
    void opusBrowserAndPcmuPhoneHearEachOther() throws Exception {
        engine = answeredCallsEngine();
        browser = new WebRtcEngineTest.Browser();
        phone = new Phone(6161);
        String offer = opusOnly(browser.sdp("actpass"));
        String toPhone = engine.sdpFor("t1", "t1.1", "t1.2", Kind.OFFER, offer, Profile.RTP);
        assertTrue(line(toPhone, "m=audio ").matches("m=audio \\d+ RTP/AVP 111 110 0 8 101"), toPhone);
        assertTrue(toPhone.contains("a=rtpmap:0 PCMU/8000\r\n") && toPhone.contains("a=rtpmap:8 PCMA/8000\r\n"));
        assertTrue(toPhone.contains("a=rtpmap:101 telephone-event/8000\r\n"), toPhone);
        String toBrowser = engine.sdpFor("t1", "t1.2", "t1.1", Kind.ANSWER, phone.sdp(), Profile.UNKNOWN);
        assertTrue(line(toBrowser, "m=audio ").matches("m=audio \\d+ UDP/TLS/RTP/SAVPF 111 110"), toBrowser);
        assertTrue(toBrowser.contains("a=rtpmap:111 opus/48000/2\r\n"), toBrowser);
        assertTrue(toBrowser.contains("a=rtpmap:110 telephone-event/48000\r\n"), toBrowser);
        assertFalse(toBrowser.contains("PCMU"), toBrowser);

        // ICE check and DTLS (the browser is the client: the node answered passive)
        browser.node = new InetSocketAddress("127.0.0.1", Phone.port(toBrowser));
        browser.check(attr(toBrowser, "ice-ufrag"), attr(toBrowser, "ice-pwd"));
        long deadline = System.currentTimeMillis() + 3000;
        while (browser.stunResponses.get() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        DtlsSrtpKeys keys;
        try (DtlsSrtpEndpoint dtls = new DtlsSrtpEndpoint(browser.cert,
                CertificateFingerprint.parse(attr(toBrowser, "fingerprint")), true,
                DtlsSrtpEndpoint.DEFAULT_PROFILES, 5000, RANDOM)) {
            keys = dtls.handshake(browser.transport);
        }

        // browser → phone: 1 kHz in Opus (48 kHz clock), the phone gets PCMU carrying 1 kHz
        int phonePort = Phone.port(toPhone);
        SrtpContext send = keys.sendContext();
        Codec.Encoder opus = Codec.OPUS.encoder();
        byte[] coded = new byte[1500];
        short[] heard = new short[50 * 160];
        int got = 0;
        int ts = -1;
        int seq = -1;
        int ssrc = 0;
        for (int i = 0; i < 100 && got < 50; i++) {
            int n = opus.encode(Tone.sine(1000, 8000, 8000, i * 160, 160), 0, 160, coded, 0);
            ByteBuffer p = ByteBuffer.allocate(12 + n + send.rtpOverhead());
            p.put((byte) 0x80).put((byte) 111).putShort((short) (10 + i)).putInt(960 * i).putInt(777).put(coded, 0, n);
            int len = send.protectRtp(p.array(), 0, 12 + n);
            browser.socket.send(new DatagramPacket(p.array(), len, browser.node));
            DatagramPacket r = Phone.receive(phone.rtp, got == 0 ? 100 : 2000); // one packet out per packet in
            if (r != null) {
                ByteBuffer b = ByteBuffer.wrap(r.getData(), 0, r.getLength());
                assertEquals(172, r.getLength(), "20 ms of PCMU");
                assertEquals(0, b.get(1) & 0x7f, "PCMU for the phone");
                if (ts != -1) {
                    assertEquals(ts + 160, b.getInt(4), "8 kHz timestamps");
                    assertEquals((seq + 1) & 0xffff, b.getShort(2) & 0xffff);
                    assertEquals(ssrc, b.getInt(8));
                }
                ts = b.getInt(4);
                seq = b.getShort(2) & 0xffff;
                ssrc = b.getInt(8);
                for (int j = 0; j < 160; j++) {
                    heard[got * 160 + j] = G711.decodeUlaw(b.get(12 + j));
                }
                got++;
            }
        }
        assertTrue(got >= 40, "the phone heard the browser: " + got + " packets");
        assertTrue(toneFrames(heard, 10, got, 1000) >= (got - 10) * 0.8, "1 kHz at the phone");

        // an RFC 4733 event from the browser (telephone-event/48000) reaches the phone as 101 in 8 kHz
        byte[] ev = {3, (byte) 0x8a, (byte) (9600 >> 8), (byte) (9600 & 0xff)};
        ByteBuffer e = ByteBuffer.allocate(16 + send.rtpOverhead());
        e.put((byte) 0x80).put((byte) (0x80 | 110)).putShort((short) 500).putInt(960 * 200).putInt(777).put(ev);
        browser.socket.send(new DatagramPacket(e.array(), send.protectRtp(e.array(), 0, 16), browser.node));
        DatagramPacket er = Phone.receive(phone.rtp, 2000);
        assertNotNull(er, "event at the phone");
        ByteBuffer eb = ByteBuffer.wrap(er.getData(), 0, er.getLength());
        assertEquals(16, er.getLength());
        assertEquals(101, eb.get(1) & 0x7f);
        assertEquals(3, eb.get(12));
        assertEquals(1600, eb.getShort(14) & 0xffff, "200 ms in 8 kHz units");

        // phone → browser: 600 Hz in PCMU, the browser gets SRTP Opus carrying 600 Hz
        SrtpContext receive = keys.receiveContext();
        Codec.Decoder decoder = Codec.OPUS.decoder();
        short[] pcm = new short[Codec.MAX_SAMPLES];
        short[] browserHeard = new short[50 * 160];
        int frames = 0;
        for (int i = 0; i < 100 && frames < 50; i++) {
            short[] tone = Tone.sine(600, 8000, 8000, i * 160, 160);
            byte[] p = Phone.rtpPacket(0, 300 + i, 160L * i, phone.ssrc, 160);
            for (int j = 0; j < 160; j++) {
                p[12 + j] = G711.encodeUlaw(tone[j]);
            }
            phone.rtp.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), phonePort));
            byte[] in = browser.nextMedia(frames == 0 ? 100 : 2000);
            if (in != null) {
                byte[] buf = Arrays.copyOf(in, in.length);
                int plain = receive.unprotectRtp(buf, 0, buf.length);
                assertTrue(plain > 12, "SRTP the browser's keys decrypt");
                assertEquals(111, buf[1] & 0x7f, "Opus for the browser");
                int samples = decoder.decode(buf, 12, plain - 12, pcm);
                assertEquals(160, samples);
                System.arraycopy(pcm, 0, browserHeard, frames * 160, 160);
                frames++;
            }
        }
        assertTrue(frames >= 40, "the browser heard the phone: " + frames + " frames");
        assertTrue(toneFrames(browserHeard, 10, frames, 600) >= (frames - 10) * 0.8, "600 Hz at the browser");
    }

    /** An engine on 20 free-looking ports whose calls all count as answered and are never ended by it. */
    private static MediaEngine answeredCallsEngine() throws IOException {
        int base = 61000 + 2 * ThreadLocalRandom.current().nextInt(2000);
        return new MediaEngine(new MediaEngine.Settings("127.0.0.1", "127.0.0.1", base, base + 19, 1, 0, true), new AnsweredCalls());
    }

    /**
     * The 20 ms frames from {@code first} to {@code count} that carry the tone: energy above 40 % of the sent tone's
     * and most of it at {@code hz} (per frame, so a lost packet's phase jump does not matter).
     */
    private static int toneFrames(short[] pcm, int first, int count, double hz) {
        int n = 0;
        for (int f = first; f < count; f++) {
            double energy = Tone.energy(pcm, f * 160, 160);
            if (energy > 8000.0 * 8000 / 2 * 0.4 && Tone.goertzel(pcm, f * 160, 160, hz, 8000) * 2 > energy * 0.8) {
                n++;
            }
        }
        return n;
    }

    @Test
    void anOpusOnlyPhoneReachesAPcmuPhone() throws Exception {
        engine = answeredCallsEngine();
        phone = new Phone(7171);
        try (Phone opusPhone = new Phone(7272)) {
            String offer = "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio " + opusPhone.rtp.getLocalPort() + " RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n"
                    + "a=rtcp:" + opusPhone.rtcp.getLocalPort() + "\r\n";
            String toB = engine.sdpFor("t3", "t3.1", "t3.2", Kind.OFFER, offer, Profile.RTP);
            assertTrue(line(toB, "m=audio ").endsWith("RTP/AVP 96 0 8"), toB);
            String toA = engine.sdpFor("t3", "t3.2", "t3.1", Kind.ANSWER, phone.sdp(), Profile.UNKNOWN);
            assertTrue(line(toA, "m=audio ").endsWith("RTP/AVP 96"), "answered in Opus, no events: " + toA);
            assertTrue(toA.contains("a=rtpmap:96 opus/48000/2\r\n") && !toA.contains("PCMU"), toA);
            // PCMU phone → Opus phone: one Opus packet per PCMU packet, 48 kHz timestamps
            int nodeB = Phone.port(toB);
            int nodeA = Phone.port(toA);
            opusPhone.send(nodeA, 96); // latches A (its payload is no Opus frame: dropped by the decoder)
            DatagramPacket first = null;
            DatagramPacket second = null;
            for (int i = 0; i < 10 && second == null; i++) {
                phone.send(nodeB, 0);
                DatagramPacket p = Phone.receive(opusPhone.rtp, 1000);
                if (first == null) {
                    first = p;
                } else {
                    second = p;
                }
            }
            assertNotNull(second, "the Opus phone receives");
            ByteBuffer a = ByteBuffer.wrap(first.getData(), 0, first.getLength());
            ByteBuffer b = ByteBuffer.wrap(second.getData(), 0, second.getLength());
            assertEquals(96, b.get(1) & 0x7f);
            assertEquals(960, b.getInt(4) - a.getInt(4));
            assertTrue(second.getLength() < 172, "Opus, not G.711: " + second.getLength() + " bytes");
        }
    }

    @Test
    void aSharedCodecIsStillRelayedUntouched() throws IOException {
        engine = answeredCallsEngine();
        phone = new Phone(1);
        String opusPhone = "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/AVP 96 0\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\n";
        String toB = engine.sdpFor("t2", "t2.1", "t2.2", Kind.OFFER, opusPhone, Profile.RTP);
        assertTrue(line(toB, "m=audio ").endsWith("RTP/AVP 96 0"), "G.711 offered already: unchanged " + toB);
        String toA = engine.sdpFor("t2", "t2.2", "t2.1", Kind.ANSWER, phone.sdp(), Profile.UNKNOWN);
        assertTrue(line(toA, "m=audio ").endsWith("RTP/AVP 0 101"), toA);
        assertFalse(toA.contains("opus"), "answered with the phone's pick, no transcoding");
    }
}
