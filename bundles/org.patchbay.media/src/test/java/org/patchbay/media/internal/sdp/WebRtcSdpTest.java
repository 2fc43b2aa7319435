package org.patchbay.media.internal.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WebRtcSdpTest {
    private static final String BROWSER_AV = String.join("\r\n",
            "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE a v", "a=ice-ufrag:sessU",
            "a=ice-pwd:sessionpasswordsessionpw", "a=fingerprint:sha-256 AB:CD", "a=setup:actpass",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 126", "c=IN IP4 0.0.0.0", "a=mid:a", "a=ice-ufrag:mediaU",
            "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10", "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:126 telephone-event/8000", "a=rtcp-mux", "a=sendrecv",
            "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=mid:v", "a=rtpmap:96 VP8/90000", "");

    private static final WebRtcSdp.Local LOCAL = new WebRtcSdp.Local("nodeU", "nodepasswordnodepassword",
            "sha-256 01:02", "passive", "192.0.2.7", 20000);

    @Test
    void recognisesWebRtcAndReadsMediaLevelParameters() {
        assertTrue(WebRtcSdp.isWebRtc(BROWSER_AV));
        assertFalse(WebRtcSdp.isWebRtc(BROWSER_AV.replace("UDP/TLS/RTP/SAVPF 111", "RTP/AVP 111")));
        assertFalse(WebRtcSdp.isWebRtc(BROWSER_AV.replace("a=fingerprint:sha-256 AB:CD\r\n", "")));
        WebRtcSdp.Params p = WebRtcSdp.params(BROWSER_AV);
        assertEquals("mediaU", p.ufrag(), "media level wins");
        assertEquals("sessionpasswordsessionpw", p.pwd());
        assertEquals("actpass", p.setup());
        assertEquals("a", p.audioMid());
        assertEquals(List.of(new WebRtcSdp.Stream("audio", "UDP/TLS/RTP/SAVPF", "111", "a"),
                new WebRtcSdp.Stream("video", "UDP/TLS/RTP/SAVPF", "96", "v")), p.streams());
        assertTrue(p.bundle());
    }

    @Test
    void missingIceOrDtlsParametersAreRefusedWithAReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebRtcSdp.params(BROWSER_AV.replace("a=fingerprint:sha-256 AB:CD\r\n", "")));
        assertTrue(e.getMessage().contains("a=fingerprint"));
    }

    @Test
    void plainSdpForThePhoneHasG711AndEventsOnlyAndNoWebRtcAttributes() {
        String plain = WebRtcSdp.toPlain(BROWSER_AV);
        assertTrue(plain.contains("m=audio 9 RTP/AVP 0 126\r\n"), plain);
        assertTrue(plain.contains("m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"), "other streams are left for Sdp.rewrite");
        assertFalse(plain.contains("opus") || plain.contains("VP8") || plain.contains("a=mid") || plain.contains("ice-")
                || plain.contains("fingerprint") || plain.contains("setup") || plain.contains("rtcp-mux")
                || plain.contains("group"), plain);
        assertTrue(plain.contains("a=sendrecv"));
    }

    @Test
    void withoutG711NothingIsRestricted() {
        String opusOnly = BROWSER_AV.replace("111 0 126", "111").replace("a=rtpmap:0 PCMU/8000\r\n", "");
        assertTrue(WebRtcSdp.toPlain(opusOnly).contains("m=audio 9 RTP/AVP 111\r\n"));
    }

    @Test
    void answerToABrowserKeepsItsStreamsMidsAndBundlesOnlyAudio() {
        String phone = "v=0\r\no=ph 55 3 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/AVP 0 126\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:126 telephone-event/8000\r\n"
                + "a=fmtp:126 0-16\r\na=ptime:20\r\na=recvonly\r\nm=video 0 RTP/AVP 96\r\n";
        String answer = WebRtcSdp.toWebRtc(phone, LOCAL, WebRtcSdp.params(BROWSER_AV), true);
        assertEquals(String.join("\r\n",
                "v=0", "o=patchbay 55 3 IN IP4 192.0.2.7", "s=-", "t=0 0", "a=ice-lite", "a=group:BUNDLE a",
                "m=audio 20000 UDP/TLS/RTP/SAVPF 0 126", "c=IN IP4 192.0.2.7", "a=mid:a", "a=ice-ufrag:nodeU",
                "a=ice-pwd:nodepasswordnodepassword", "a=fingerprint:sha-256 01:02", "a=setup:passive",
                "a=candidate:1 1 udp 2130706431 192.0.2.7 20000 typ host", "a=end-of-candidates", "a=rtcp-mux",
                "a=recvonly", "a=rtpmap:0 PCMU/8000", "a=rtpmap:126 telephone-event/8000", "a=fmtp:126 0-16",
                "a=ptime:20",
                "m=video 0 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 192.0.2.7", "a=mid:v", ""), answer);
    }

    @Test
    void offerToABrowserFromAnotherBrowserKeepsOpus() {
        String offer = WebRtcSdp.toWebRtc(BROWSER_AV, LOCAL, null, false);
        assertTrue(offer.contains("m=audio 20000 UDP/TLS/RTP/SAVPF 111 0 126\r\n"), offer);
        assertTrue(offer.contains("a=ice-lite\r\na=group:BUNDLE 0\r\n"), offer);
        assertTrue(offer.contains("a=mid:0\r\n") && offer.contains("a=rtpmap:111 opus/48000/2\r\n"), offer);
        assertFalse(offer.contains("m=video"), "an offer of ours carries audio only");
    }
}
