package org.patchbay.media.internal.dtls;

import java.util.Locale;

/**
 * The SDP {@code a=setup} attribute (RFC 4145 §4, RFC 5763 §5, RFC 8842 §5) and who acts as DTLS client.
 *
 * <p>Decision for this node as answerer: to an {@code actpass} offer it answers {@code passive} and is
 * the DTLS server. RFC 5763 §5 RECOMMENDS {@code active} to save a round trip, and RFC 8842 §5.3 allows
 * either. The saved round trip does not exist for an ICE-lite node: it learns where the browser is only
 * from the browser's connectivity checks, so it could send a ClientHello no earlier than the browser
 * sends its own; as server it simply answers the ClientHello that arrives over the pair ICE just
 * validated, and never retransmits a ClientHello into a path that is not up yet. Other stacks differ:
 * pion's "auto" role makes the ICE-controlled side the DTLS client, i.e. {@code active}; what rtpengine
 * and Janus answer was not verified against their sources here. Browsers accept either answer, so an
 * operator who needs the other role can pass {@code preferActive = true}.
 */
public enum DtlsSetup {
    ACTPASS, ACTIVE, PASSIVE, HOLDCONN;

    /** Parses {@code actpass}/{@code active}/{@code passive}/{@code holdconn}, with or without {@code a=setup:}. */
    public static DtlsSetup parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.startsWith("a=")) {
            v = v.substring(2);
        }
        if (v.startsWith("setup:")) {
            v = v.substring(6);
        }
        return switch (v) {
            case "actpass" -> ACTPASS;
            case "active" -> ACTIVE;
            case "passive" -> PASSIVE;
            case "holdconn" -> HOLDCONN;
            default -> throw new IllegalArgumentException("unknown setup value " + value);
        };
    }

    /** The SDP value ({@code actpass}, ...). */
    public String sdpValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Our answer to an offer with this setup value: the opposite of {@code active}/{@code passive}; for
     * {@code actpass}, {@code passive} unless {@code preferActive}; a missing attribute counts as
     * {@code active} (RFC 4145 §4 default for the offerer).
     *
     * @throws IllegalArgumentException for {@code holdconn}, which the answerer cannot accept for DTLS-SRTP
     */
    public static DtlsSetup answerTo(DtlsSetup offer, boolean preferActive) {
        if (offer == null) {
            return PASSIVE;
        }
        return switch (offer) {
            case ACTPASS -> preferActive ? ACTIVE : PASSIVE;
            case ACTIVE -> PASSIVE;
            case PASSIVE -> ACTIVE;
            case HOLDCONN -> throw new IllegalArgumentException("setup:holdconn offered, DTLS cannot start");
        };
    }

    /** Whether the side that uses this value is the DTLS client (only {@code active} is). */
    public boolean isDtlsClient() {
        return this == ACTIVE;
    }
}
