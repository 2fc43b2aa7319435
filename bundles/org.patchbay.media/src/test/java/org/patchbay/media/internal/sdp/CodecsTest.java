package org.patchbay.media.internal.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The first audio section walk and the codec rewrites of transcoding. */
class CodecsTest {
    private static final String OPUS_ONLY = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
            + "a=sendrecv\r\n"
            + "m=video 5000 RTP/AVP 96\r\nc=IN IP4 10.0.0.9\r\na=rtpmap:96 VP8/90000\r\n"
            + "m=audio 4000 RTP/AVP 111 110\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
            + "a=rtpmap:110 telephone-event/48000\r\na=ptime:20\r\n"
            + "m=audio 4002 RTP/AVP 0\r\n";

    @Test
    void audioSectionSkipsOtherStreams() {
        AudioSection a = AudioSection.of(OPUS_ONLY);
        assertEquals("m=audio 4000 RTP/AVP 111 110", a.mLine());
        assertEquals(List.of("111", "110"), a.formats());
        assertTrue(a.session().contains("a=sendrecv"));
        assertTrue(a.media().stream().noneMatch(l -> l.contains("VP8") || l.contains("10.0.0.9")), a.media().toString());
        assertEquals(6, a.session().size());
        assertNull(AudioSection.of("v=0\r\nm=video 1 RTP/AVP 96\r\n").mLine());
    }

    @Test
    void formatsNameStaticAndMappedTypes() {
        List<Codecs.Format> f = Codecs.formats("v=0\r\nm=audio 1 RTP/AVP 8 0 101 13\r\na=rtpmap:101 telephone-event/8000\r\n");
        assertEquals(4, f.size());
        assertTrue(f.get(0).is("pcma", 8000) && f.get(1).is("pcmu", 8000) && f.get(2).event());
        assertEquals("pcma", Codecs.firstAudio(f).encoding());
        assertEquals("cn", f.get(3).encoding());
    }

    @Test
    void g711IsAddedToAnOpusOnlyOfferOnly() {
        String out = Codecs.withG711(OPUS_ONLY);
        assertTrue(out.contains("m=audio 4000 RTP/AVP 111 110 0 8 101\r\n"), out);
        assertTrue(out.contains("a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\nm=audio 4002 RTP/AVP 0\r\n"), out);
        assertTrue(out.contains("a=fmtp:111 minptime=10;useinbandfec=1\r\n"), "the offer's own lines stay");
        String g711 = "v=0\r\nm=audio 1 RTP/AVP 111 0\r\na=rtpmap:111 opus/48000/2\r\n";
        assertSame(g711, Codecs.withG711(g711), "G.711 offered already");
        String g722 = "v=0\r\nm=audio 1 RTP/AVP 9\r\n";
        assertSame(g722, Codecs.withG711(g722), "nothing the node can transcode from");
    }

    @Test
    void anAnswerIsRewrittenToTheOfferersCodec() {
        List<Codecs.Format> offer = Codecs.formats(OPUS_ONLY);
        String answer = "v=0\r\no=p 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n"
                + "m=audio 6000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-15\r\na=sendrecv\r\n";
        String out = Codecs.answerWith(answer, List.of(offer.get(0), offer.get(1)));
        assertEquals("v=0\r\no=p 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n"
                + "m=audio 6000 RTP/AVP 111 110\r\na=sendrecv\r\na=rtpmap:111 opus/48000/2\r\n"
                + "a=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:110 telephone-event/48000\r\n", out);
    }

    @Test
    void inbandFecIsWantedOnlyWhenTheFmtpSaysSo() {
        assertTrue(Codecs.wantsInbandFec(new Codecs.Format(111, "opus", 48000, "a=rtpmap:111 opus/48000/2",
                "a=fmtp:111 minptime=10;useinbandfec=1")));
        assertTrue(Codecs.wantsInbandFec(new Codecs.Format(111, "opus", 48000, null, "a=fmtp:111 useinbandfec = 1 ")));
        assertEquals(false, Codecs.wantsInbandFec(new Codecs.Format(111, "opus", 48000, null,
                "a=fmtp:111 minptime=10;useinbandfec=0")));
        assertEquals(false, Codecs.wantsInbandFec(new Codecs.Format(111, "opus", 48000, null, null)));
        assertEquals(false, Codecs.wantsInbandFec(new Codecs.Format(111, "opus", 48000, null, "a=fmtp:111")));
    }
}
