package org.patchbay.media.internal.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class SdpTest {

    static String offer(String address, int port, String... extra) {
        return "v=0\r\no=alice 2890844526 2890844526 IN IP4 " + address + "\r\ns=-\r\nc=IN IP4 " + address
                + "\r\nt=0 0\r\nm=audio " + port + " RTP/AVP 0 8 111 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
                + String.join("", java.util.Arrays.stream(extra).map(e -> e + "\r\n").toList());
    }

    @Test
    void readsCodecsClocksEventTypeAndDefaults() {
        MediaDescription d = Sdp.parse(offer("192.0.2.10", 4000));
        assertEquals("192.0.2.10", d.address());
        assertEquals(4000, d.port());
        assertEquals(4001, d.rtcpPort());
        assertEquals(Direction.SENDRECV, d.direction());
        assertEquals(8000, d.clock(0));
        assertEquals(8000, d.clock(8));
        assertEquals(48000, d.clock(111));
        assertEquals(101, d.eventType());
        assertFalse(d.mux());
        assertEquals(new InetSocketAddress("192.0.2.10", 4000), d.rtp());
        assertEquals(new InetSocketAddress("192.0.2.10", 4001), d.rtcp());
    }

    @Test
    void knowsEveryTelephoneEventTypeOfABrowserOffer() {
        MediaDescription d = Sdp.parse(String.join("\r\n", "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
                "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 110 126", "c=IN IP4 127.0.0.1", "a=rtpmap:111 opus/48000/2",
                "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:110 telephone-event/48000",
                "a=rtpmap:126 telephone-event/8000", ""));
        assertEquals(110, d.eventType());
        assertTrue(d.event(110));
        assertTrue(d.event(126), "Chromium sends its digits as telephone-event/8000 on an Opus call");
        assertFalse(d.event(111));
        assertFalse(Sdp.parse(offer("192.0.2.10", 4000)).event(111));
        assertTrue(Sdp.parse(offer("192.0.2.10", 4000)).event(101));
    }

    @Test
    void rewritesConnectionOriginPortAndRtcpKeepingCodecs() {
        String out = Sdp.rewrite(offer("192.0.2.10", 4000, "a=rtcp:4005 IN IP4 192.0.2.11", "a=sendrecv"),
                "127.0.0.1", 20000, 20001);
        assertTrue(out.contains("o=alice 2890844526 2890844526 IN IP4 127.0.0.1\r\n"), out);
        assertTrue(out.contains("c=IN IP4 127.0.0.1\r\n"), out);
        assertTrue(out.contains("m=audio 20000 RTP/AVP 0 8 111 101\r\n"), out);
        assertTrue(out.contains("a=rtcp:20001 IN IP4 127.0.0.1\r\n"), out);
        assertTrue(out.contains("a=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"), out);
        assertFalse(out.contains("192.0.2"), out);
        MediaDescription d = Sdp.parse(out);
        assertEquals(20001, d.rtcpPort());
    }

    @Test
    void rtcpAttributeWithoutAddressAndMux() {
        MediaDescription d = Sdp.parse(offer("192.0.2.10", 4000, "a=rtcp:4000", "a=rtcp-mux"));
        assertTrue(d.mux());
        assertEquals(new InetSocketAddress("192.0.2.10", 4000), d.rtcp());
        String out = Sdp.rewrite(offer("192.0.2.10", 4000, "a=rtcp:4000", "a=rtcp-mux"), "127.0.0.1", 20002, 20003);
        assertTrue(out.contains("a=rtcp:20003\r\n"), out);
        assertTrue(out.contains("a=rtcp-mux\r\n"), out);
    }

    @Test
    void holdVariants() {
        assertEquals(Direction.SENDONLY, Sdp.parse(offer("192.0.2.10", 4000, "a=sendonly")).direction());
        assertEquals(Direction.RECVONLY, Sdp.parse(offer("192.0.2.10", 4000, "a=recvonly")).direction());
        MediaDescription inactive = Sdp.parse(offer("192.0.2.10", 4000, "a=inactive"));
        assertFalse(inactive.sends());
        assertFalse(inactive.receives());
        // session-level direction applies when the stream has none
        String sessionLevel = offer("192.0.2.10", 4000).replace("t=0 0\r\n", "t=0 0\r\na=sendonly\r\n");
        assertEquals(Direction.SENDONLY, Sdp.parse(sessionLevel).direction());

        MediaDescription old = Sdp.parse(offer("0.0.0.0", 4000));
        assertNull(old.address());
        assertNull(old.rtp());
        assertTrue(old.sends());
        assertFalse(old.receives(), "c=0.0.0.0 means: send me nothing");
        String out = Sdp.rewrite(offer("0.0.0.0", 4000), "127.0.0.1", 20000, 20001);
        assertTrue(out.contains("c=IN IP4 0.0.0.0\r\n"), "the other party must keep holding: " + out);
        assertTrue(out.contains("m=audio 20000 "), out);
    }

    @Test
    void mediaLevelConnectionWinsAndOtherStreamsAreDisabled() {
        String sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                + "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                + "m=audio 6000 RTP/AVP 0\r\nc=IN IP4 192.0.2.2\r\na=candidate:1 1 UDP 1 192.0.2.2 6000 typ host\r\n"
                + "a=ice-ufrag:abcd\r\n";
        MediaDescription d = Sdp.parse(sdp);
        assertEquals("192.0.2.2", d.address());
        assertEquals(6000, d.port());
        String out = Sdp.rewrite(sdp, "127.0.0.1", 20000, 20001);
        assertTrue(out.contains("m=video 0 RTP/AVP 96\r\n"), out);
        assertTrue(out.contains("m=audio 20000 RTP/AVP 0\r\n"), out);
        assertFalse(out.contains("candidate") || out.contains("ice-ufrag"), out);
    }

    @Test
    void rejectedStreamStaysRejectedAndNoAudioMeansPortZero() {
        String out = Sdp.rewrite(offer("192.0.2.10", 0), "127.0.0.1", 20000, 20001);
        assertTrue(out.contains("m=audio 0 "), out);
        assertEquals(0, Sdp.parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=video 5000 RTP/AVP 96\r\n").port());
    }

    @Test
    void badInputIsRefusedWithAMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sdp.parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio x RTP/AVP 0\r\n"));
        assertTrue(e.getMessage().contains("m= port"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sdp.parse("v=0\r\nc=IN\r\nm=audio 4 RTP/AVP 0\r\n"));
        assertThrows(IllegalArgumentException.class, () -> Sdp.parse("v=0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:x\r\n"));
    }
}
