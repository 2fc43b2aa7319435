package org.patchbay.media.internal.srtp;

import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;

/**
 * SRTP and SRTCP (RFC 3711, RFC 7714) for ONE direction of one session: build one context from the
 * local master key to protect what we send, and another from the peer's master key to unprotect what
 * we receive. Packets are transformed in place in a caller's buffer; protecting needs
 * {@link #rtpOverhead()} or {@link #rtcpOverhead()} spare bytes after the packet.
 *
 * <p>Unprotect methods never throw on bad input: they return {@link #REJECTED} and count the reason
 * ({@link #malformed()}, {@link #authFailures()}, {@link #replays()}). Not thread-safe: one context is
 * used by the one thread that handles its socket.
 */
public final class SrtpContext {

    /** Returned by the unprotect methods for a dropped packet. */
    public static final int REJECTED = -1;
    /** Streams (SSRCs) tracked per context; packets of further SSRCs are rejected as malformed. */
    public static final int MAX_STREAMS = 64;

    private static final int E_FLAG = 0x80000000;

    private final SrtpProfile profile;
    private final SessionCipher rtp;
    private final SessionCipher rtcp;
    private final Map<Integer, RtpStream> rtpStreams = new HashMap<>();
    private final Map<Integer, RtcpStream> rtcpStreams = new HashMap<>();
    // the last RTP stream looked up: a call has one SSRC per direction, so mostly no boxed map lookup per packet
    private int lastSsrc;
    private RtpStream lastStream;
    private final byte[] trailer = new byte[4];
    private final byte[] mki;
    private long malformed;
    private long authFailures;
    private long replays;

    /** A context keyed by a master key and salt of the profile's lengths, without MKI. */
    public SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        this(profile, masterKey, masterSalt, new byte[0]);
    }

    /**
     * A context whose packets carry a master key identifier (RFC 3711 §3.1, negotiated by SDES): written
     * when protecting, required and stripped when unprotecting.
     *
     * @param mki the MKI bytes, empty for none; MKI is supported with the AES-CM profiles only
     */
    public SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, byte[] mki) {
        if (masterKey.length != profile.keyLength() || masterSalt.length != profile.saltLength()) {
            throw new IllegalArgumentException("master key/salt length does not fit " + profile);
        }
        if (mki.length > 0 && profile.aead()) {
            throw new IllegalArgumentException("MKI is not supported with " + profile);
        }
        this.profile = profile;
        this.rtp = new SessionCipher(profile, masterKey, masterSalt, false);
        this.rtcp = new SessionCipher(profile, masterKey, masterSalt, true);
        this.mki = mki.clone();
    }

    /** A context with session keys given directly, bypassing the KDF (for published test vectors). */
    SrtpContext(SrtpProfile profile, SessionCipher rtp, SessionCipher rtcp) {
        this.profile = profile;
        this.rtp = rtp;
        this.rtcp = rtcp;
        this.mki = new byte[0];
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** Bytes an RTP packet grows by when protected (MKI and tag). */
    public int rtpOverhead() {
        return mki.length + profile.rtpTagLength();
    }

    /** Bytes an RTCP packet grows by when protected (SRTCP index, MKI and tag). */
    public int rtcpOverhead() {
        return 4 + mki.length + profile.rtcpTagLength();
    }

    /**
     * Protects the RTP packet {@code buf[off, off+len)} in place.
     *
     * @return the SRTP packet length, or {@link #REJECTED} for a packet index protected before (sending it
     *         again would reuse the keystream) or a stream beyond {@link #MAX_STREAMS}
     * @throws IllegalArgumentException if the packet is not RTP or the buffer lacks room for the tag
     */
    public int protectRtp(byte[] buf, int off, int len) {
        int hdr = RtpHeader.length(buf, off, len);
        if (hdr < 0 || buf.length - off - len < rtpOverhead()) {
            throw new IllegalArgumentException("not an RTP packet or no room for the SRTP tag");
        }
        int seq = RtpHeader.sequence(buf, off);
        int ssrc = RtpHeader.ssrc(buf, off);
        RtpStream stream = rtpStream(ssrc);
        if (stream == null) {
            if (rtpStreams.size() >= MAX_STREAMS) {
                malformed++;
                return REJECTED;
            }
            stream = new RtpStream(seq);
            rtpStreams.put(ssrc, stream);
            lastSsrc = ssrc;
            lastStream = stream;
        }
        long index = stream.estimate(seq);
        if (!stream.window.isFresh(index)) {
            replays++;
            return REJECTED;
        }
        int roc = (int) (index >>> 16);
        stream.update(index);
        try {
            if (profile.aead()) {
                return hdr + rtp.gcmSeal(buf, off, hdr, len, null, ssrc, roc, seq, false);
            }
            rtp.ctr(buf, off + hdr, len - hdr, ssrc, index);
            byte[] tag = rtp.hmac(buf, off, len, roc, true);
            System.arraycopy(mki, 0, buf, off + len, mki.length);
            System.arraycopy(tag, 0, buf, off + len + mki.length, profile.rtpTagLength());
            return len + rtpOverhead();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTP protect failed: " + e.getMessage(), e);
        }
    }

    /**
     * Authenticates, replay-checks and decrypts the SRTP packet {@code buf[off, off+len)} in place.
     *
     * @return the RTP packet length, or {@link #REJECTED}
     */
    public int unprotectRtp(byte[] buf, int off, int len) {
        int tagLen = profile.rtpTagLength();
        int hdr = off < 0 || len < 0 || off + len > buf.length ? -1 : RtpHeader.length(buf, off, len - rtpOverhead());
        if (hdr < 0 || !SessionCipher.equal(mki, 0, buf, off + len - rtpOverhead(), mki.length)) {
            malformed++;
            return REJECTED;
        }
        int seq = RtpHeader.sequence(buf, off);
        int ssrc = RtpHeader.ssrc(buf, off);
        RtpStream stream = rtpStream(ssrc);
        if (stream == null && rtpStreams.size() >= MAX_STREAMS) {
            malformed++;
            return REJECTED;
        }
        RtpStream s = stream != null ? stream : new RtpStream(seq);
        long index = s.estimate(seq);
        if (!s.window.isFresh(index)) {
            replays++;
            return REJECTED;
        }
        int roc = (int) (index >>> 16);
        int plain;
        try {
            if (profile.aead()) {
                plain = rtp.gcmOpen(buf, off, hdr, null, off + hdr, len - hdr, ssrc, roc, seq, false);
                plain = plain < 0 ? -1 : hdr + plain;
            } else {
                int authLen = len - rtpOverhead();
                byte[] tag = rtp.hmac(buf, off, authLen, roc, true);
                plain = SessionCipher.equal(tag, 0, buf, off + len - tagLen, tagLen) ? authLen : -1;
                if (plain > 0) {
                    rtp.ctr(buf, off + hdr, plain - hdr, ssrc, index);
                }
            }
        } catch (GeneralSecurityException e) {
            plain = -1;
        }
        if (plain < 0) {
            authFailures++;
            return REJECTED;
        }
        if (stream == null) {
            rtpStreams.put(ssrc, s);
            lastSsrc = ssrc;
            lastStream = s;
        }
        s.update(index);
        return plain;
    }

    private RtpStream rtpStream(int ssrc) {
        RtpStream last = lastStream;
        if (last != null && ssrc == lastSsrc) {
            return last;
        }
        RtpStream s = rtpStreams.get(ssrc);
        if (s != null) {
            lastSsrc = ssrc;
            lastStream = s;
        }
        return s;
    }

    /**
     * Protects (encrypts and tags) the RTCP compound packet {@code buf[off, off+len)} in place with the
     * sender SSRC's next SRTCP index.
     *
     * @return the SRTCP packet length
     * @throws IllegalArgumentException if the packet is not RTCP or the buffer lacks room
     */
    public int protectRtcp(byte[] buf, int off, int len) {
        if (off < 0 || len < 8 || buf.length - off - len < rtcpOverhead() || (buf[off] & 0xc0) != 0x80) {
            throw new IllegalArgumentException("not an RTCP packet or no room for the SRTCP trailer");
        }
        RtcpStream stream = rtcpStreams.computeIfAbsent(RtpHeader.readInt(buf, off + 4), s -> new RtcpStream());
        int index = stream.nextIndex;
        stream.nextIndex = (index + 1) & 0x7fffffff;
        return protectRtcp(buf, off, len, index);
    }

    /** Protects with an explicit SRTCP index (published test vectors use fixed indices). */
    int protectRtcp(byte[] buf, int off, int len, int index) {
        int ssrc = RtpHeader.readInt(buf, off + 4);
        int ei = E_FLAG | index;
        try {
            if (profile.aead()) {
                RtpHeader.writeInt(trailer, 0, ei);
                int n = rtcp.gcmSeal(buf, off, 8, len, trailer, ssrc, 0, index, true);
                RtpHeader.writeInt(buf, off + 8 + n, ei);
                return 8 + n + 4;
            }
            rtcp.ctr(buf, off + 8, len - 8, ssrc, index);
            RtpHeader.writeInt(buf, off + len, ei);
            byte[] tag = rtcp.hmac(buf, off, len + 4, 0, false);
            System.arraycopy(mki, 0, buf, off + len + 4, mki.length);
            System.arraycopy(tag, 0, buf, off + len + 4 + mki.length, profile.rtcpTagLength());
            return len + rtcpOverhead();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTCP protect failed: " + e.getMessage(), e);
        }
    }

    /**
     * Authenticates, replay-checks and (if the E bit is set) decrypts the SRTCP packet in place.
     *
     * @return the RTCP packet length, or {@link #REJECTED}
     */
    public int unprotectRtcp(byte[] buf, int off, int len) {
        int tagLen = profile.rtcpTagLength();
        int plainLen = len - rtcpOverhead();
        if (plainLen < 8 || off < 0 || off + len > buf.length || (buf[off] & 0xc0) != 0x80
                || !SessionCipher.equal(mki, 0, buf, off + plainLen + 4, mki.length)) {
            malformed++;
            return REJECTED;
        }
        int ssrc = RtpHeader.readInt(buf, off + 4);
        int indexAt = profile.aead() ? off + len - 4 : off + plainLen;
        int ei = RtpHeader.readInt(buf, indexAt);
        boolean encrypted = (ei & E_FLAG) != 0;
        int index = ei & 0x7fffffff;
        RtcpStream stream = rtcpStreams.get(ssrc);
        if (stream == null && rtcpStreams.size() >= MAX_STREAMS) {
            malformed++;
            return REJECTED;
        }
        if (stream != null && !stream.window.isFresh(index)) {
            replays++;
            return REJECTED;
        }
        boolean ok;
        try {
            ok = profile.aead() ? openGcmRtcp(buf, off, plainLen, ei, encrypted, ssrc, index)
                    : openCtrRtcp(buf, off, plainLen, tagLen, encrypted, ssrc, index);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            authFailures++;
            return REJECTED;
        }
        rtcpStreams.computeIfAbsent(ssrc, s -> new RtcpStream()).window.accept(index);
        return plainLen;
    }

    private boolean openCtrRtcp(byte[] buf, int off, int plainLen, int tagLen, boolean encrypted, int ssrc,
                                int index) throws GeneralSecurityException {
        byte[] tag = rtcp.hmac(buf, off, plainLen + 4, 0, false);
        if (!SessionCipher.equal(tag, 0, buf, off + plainLen + 4 + mki.length, tagLen)) {
            return false;
        }
        if (encrypted) {
            rtcp.ctr(buf, off + 8, plainLen - 8, ssrc, index);
        }
        return true;
    }

    private boolean openGcmRtcp(byte[] buf, int off, int plainLen, int ei, boolean encrypted, int ssrc,
                                int index) throws GeneralSecurityException {
        RtpHeader.writeInt(trailer, 0, ei);
        if (encrypted) {
            return rtcp.gcmOpen(buf, off, 8, trailer, off + 8, plainLen - 8 + 16, ssrc, 0, index, true) >= 0;
        }
        return rtcp.gcmOpen(buf, off, plainLen, trailer, off + plainLen, 16, ssrc, 0, index, true) >= 0;
    }

    /** The rollover counter of a stream, or -1 if the SSRC is unknown. */
    public int rolloverCounter(int ssrc) {
        RtpStream s = rtpStreams.get(ssrc);
        return s == null ? -1 : (int) (s.highestIndex >>> 16);
    }

    /** Packets rejected because they were too short, not RTP/RTCP, or of one SSRC too many. */
    public long malformed() {
        return malformed;
    }

    /** Packets rejected because their authentication tag did not verify. */
    public long authFailures() {
        return authFailures;
    }

    /** Packets rejected as replayed or too old for the replay window. */
    public long replays() {
        return replays;
    }

    /** Per-SSRC RTP state: ROC and highest sequence number through the highest index, and replay window. */
    private static final class RtpStream {
        long highestIndex;
        final ReplayWindow window = new ReplayWindow();

        RtpStream(int firstSeq) {
            highestIndex = firstSeq;
        }

        /** The packet index for {@code seq} (RFC 3711 §3.3.1). */
        long estimate(int seq) {
            long roc = highestIndex >>> 16;
            int sl = (int) (highestIndex & 0xffff);
            long v;
            if (sl < 32768) {
                v = seq - sl > 32768 ? roc - 1 : roc;
            } else {
                v = sl - 32768 > seq ? roc + 1 : roc;
            }
            if (v < 0) {
                v = roc;
            }
            return (v << 16) | seq;
        }

        void update(long index) {
            if (index > highestIndex) {
                highestIndex = index;
            }
            window.accept(index);
        }
    }

    private static final class RtcpStream {
        int nextIndex;
        final ReplayWindow window = new ReplayWindow();
    }
}
