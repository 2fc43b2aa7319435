package org.patchbay.media.internal.relay;

import java.nio.ByteBuffer;
import java.security.SecureRandom;

import org.patchbay.media.internal.sdp.AudioSection;
import org.patchbay.media.internal.srtp.SdesCrypto;
import org.patchbay.media.internal.srtp.SrtpContext;

/**
 * SDES-SRTP (RFC 4568) terminated by the node on a SIP leg whose other side is a browser (DTLS-SRTP keys cannot be
 * shared with the phone, so the node decrypts the phone's SRTP and encrypts what it sends the phone). The phone's
 * {@code a=crypto} key gives the receive context, a fresh key of ours under the same tag and suite (sent in the answer)
 * the send context. Between two SIP phones SDES still passes end to end. Contexts belong to the call's loop thread.
 */
final class SdesLeg {
    private final SrtpContext receive;
    private final SrtpContext send;
    private final String answerAttribute;
    private final byte[] in = new byte[8192];
    private final byte[] out = new byte[8192 + 64];
    private final ByteBuffer outBuf = ByteBuffer.wrap(out);

    private SdesLeg(SdesCrypto theirs, SdesCrypto ours) {
        this.receive = theirs.context();
        this.send = ours.context();
        this.answerAttribute = "a=" + ours.format();
    }

    /**
     * The first usable {@code a=crypto} of the first audio stream of an offer (a suite we implement, no session
     * parameters, no MKI with AEAD), or null when there is none.
     */
    static SdesLeg fromOffer(String sdp, SecureRandom random) {
        for (String line : AudioSection.of(sdp).media()) {
            if (line.startsWith("a=crypto:")) {
                SdesCrypto theirs;
                try {
                    theirs = SdesCrypto.parse(line);
                } catch (IllegalArgumentException e) {
                    continue; // a suite or parameter we do not implement: the next line may do
                }
                if (!theirs.sessionParams().isEmpty() || theirs.mki().isPresent() && theirs.profile().aead()) {
                    continue;
                }
                return new SdesLeg(theirs, SdesCrypto.generate(theirs.tag(), theirs.profile(), random));
            }
        }
        return null;
    }

    /** Whether the first audio stream of {@code sdp} offers SDES. */
    static boolean offered(String sdp) {
        return sdp.contains("\na=crypto:") || sdp.contains("\r\na=crypto:");
    }

    /** Our {@code a=crypto:...} line for the answer to the phone. */
    String answerAttribute() {
        return answerAttribute;
    }

    /** Decrypts SRTP or SRTCP in {@code buf} (from position 0) in place; the plain length, or -1 when rejected. */
    int unprotect(ByteBuffer buf, boolean rtcp) {
        int len = buf.remaining();
        if (len > in.length) {
            return -1;
        }
        buf.get(in, 0, len);
        int n = rtcp ? receive.unprotectRtcp(in, 0, len) : receive.unprotectRtp(in, 0, len);
        if (n <= 0) {
            return -1;
        }
        buf.clear();
        buf.put(in, 0, n);
        buf.flip();
        return n;
    }

    /** {@code buf}'s plain RTP or RTCP (from position 0) protected into a buffer of this leg, or null. */
    ByteBuffer protect(ByteBuffer buf, boolean rtcp) {
        buf.position(0);
        int len = buf.remaining();
        if (len < 8 || len > out.length - Math.max(send.rtpOverhead(), send.rtcpOverhead())) {
            return null;
        }
        buf.get(out, 0, len);
        int n;
        try {
            n = rtcp ? send.protectRtcp(out, 0, len) : send.protectRtp(out, 0, len);
        } catch (IllegalArgumentException e) {
            return null; // not RTP/RTCP after all
        }
        if (n <= 0) {
            return null;
        }
        outBuf.clear().limit(n);
        return outBuf;
    }
}
