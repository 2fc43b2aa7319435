package org.patchbay.media.internal.srtp;

import java.util.Locale;
import java.util.Optional;

/**
 * The SRTP protection profiles this engine supports, with their key sizes, tag sizes and the names
 * they carry in DTLS-SRTP (RFC 5764 §4.1.2, RFC 7714 §14.2) and SDES (RFC 4568 §6.2, RFC 7714 §14.1).
 */
public enum SrtpProfile {
    /** AES-128 counter mode, 80-bit HMAC-SHA1 tag on SRTP and SRTCP. */
    AES_CM_128_HMAC_SHA1_80(0x0001, "AES_CM_128_HMAC_SHA1_80", 16, 14, 20, 10, 10, false),
    /** AES-128 counter mode, 32-bit HMAC-SHA1 tag on SRTP, 80-bit on SRTCP (RFC 5764 §4.1.2). */
    AES_CM_128_HMAC_SHA1_32(0x0002, "AES_CM_128_HMAC_SHA1_32", 16, 14, 20, 4, 10, false),
    /** AES-128 Galois/Counter mode, 128-bit tag (RFC 7714). */
    AEAD_AES_128_GCM(0x0007, "AEAD_AES_128_GCM", 16, 12, 0, 16, 16, true);

    private final int dtlsId;
    private final String sdesName;
    private final int keyLength;
    private final int saltLength;
    private final int authKeyLength;
    private final int rtpTagLength;
    private final int rtcpTagLength;
    private final boolean aead;

    SrtpProfile(int dtlsId, String sdesName, int keyLength, int saltLength, int authKeyLength,
                int rtpTagLength, int rtcpTagLength, boolean aead) {
        this.dtlsId = dtlsId;
        this.sdesName = sdesName;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.authKeyLength = authKeyLength;
        this.rtpTagLength = rtpTagLength;
        this.rtcpTagLength = rtcpTagLength;
        this.aead = aead;
    }

    /** The SRTPProtectionProfile value in the DTLS use_srtp extension. */
    public int dtlsId() {
        return dtlsId;
    }

    /** The crypto-suite name in an SDES {@code a=crypto} line. */
    public String sdesName() {
        return sdesName;
    }

    /** Master and session encryption key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** Master and session salt length in bytes. */
    public int saltLength() {
        return saltLength;
    }

    /** Session authentication key length in bytes (0 for AEAD profiles). */
    public int authKeyLength() {
        return authKeyLength;
    }

    /** Bytes an SRTP packet grows by when protected. */
    public int rtpTagLength() {
        return rtpTagLength;
    }

    /** Authentication tag length on SRTCP packets in bytes. */
    public int rtcpTagLength() {
        return rtcpTagLength;
    }

    /** Whether the profile is an AEAD (GCM) profile. */
    public boolean aead() {
        return aead;
    }

    /** The profile with the given DTLS use_srtp id, if supported. */
    public static Optional<SrtpProfile> ofDtlsId(int id) {
        for (SrtpProfile p : values()) {
            if (p.dtlsId == id) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The profile with the given SDES crypto-suite name (case-insensitive), if supported. */
    public static Optional<SrtpProfile> ofSdesName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (SrtpProfile p : values()) {
            if (p.sdesName.equals(upper)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
