package org.patchbay.media.internal.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class DtlsSdpTest {

    @Test
    void fingerprintFormatsAndParsesLikeSdp() {
        NodeCertificate cert = NodeCertificate.generate(new SecureRandom());
        String value = cert.fingerprint().format();
        assertTrue(value.matches("sha-256 [0-9A-F]{2}(:[0-9A-F]{2}){31}"), value);
        assertEquals(cert.fingerprint(), CertificateFingerprint.parse("a=fingerprint:" + value.toLowerCase()));
        assertEquals(cert.fingerprint(), CertificateFingerprint.parse(value.replace("sha-256", "SHA-256")));
        assertTrue(cert.fingerprint().matches(cert.encoded()));
        assertFalse(NodeCertificate.generate(new SecureRandom()).fingerprint().matches(cert.encoded()));
        CertificateFingerprint sha1 = CertificateFingerprint.of("sha-1", cert.encoded());
        assertEquals(sha1, CertificateFingerprint.parse(sha1.format()));
        assertTrue(sha1.matches(cert.encoded()));
    }

    @Test
    void badFingerprintsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> CertificateFingerprint.parse("sha-256 AB:CD"));
        assertThrows(IllegalArgumentException.class, () -> CertificateFingerprint.parse("md5 AB:CD"));
        assertThrows(IllegalArgumentException.class, () -> CertificateFingerprint.parse("sha-256"));
        assertThrows(IllegalArgumentException.class, () -> CertificateFingerprint.parse("sha-1 ZZ:" + "00:".repeat(18) + "00"));
    }

    @Test
    void setupNegotiation() {
        assertEquals(DtlsSetup.PASSIVE, DtlsSetup.answerTo(DtlsSetup.parse("a=setup:actpass"), false));
        assertEquals(DtlsSetup.ACTIVE, DtlsSetup.answerTo(DtlsSetup.ACTPASS, true));
        assertEquals(DtlsSetup.PASSIVE, DtlsSetup.answerTo(DtlsSetup.parse("active"), true));
        assertEquals(DtlsSetup.ACTIVE, DtlsSetup.answerTo(DtlsSetup.parse("setup:passive"), false));
        assertEquals(DtlsSetup.PASSIVE, DtlsSetup.answerTo(null, false));
        assertThrows(IllegalArgumentException.class, () -> DtlsSetup.answerTo(DtlsSetup.HOLDCONN, false));
        assertThrows(IllegalArgumentException.class, () -> DtlsSetup.parse("sideways"));
        assertTrue(DtlsSetup.ACTIVE.isDtlsClient());
        assertFalse(DtlsSetup.PASSIVE.isDtlsClient());
        assertEquals("actpass", DtlsSetup.ACTPASS.sdpValue());
    }

    @Test
    void demultiplexesByFirstByte() {
        assertEquals(PacketKind.STUN, PacketKind.of(new byte[] {0, 1}, 0, 2));
        assertEquals(PacketKind.STUN, PacketKind.of(new byte[] {3}, 0, 1));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(new byte[] {4}, 0, 1));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(new byte[] {19}, 0, 1));
        assertEquals(PacketKind.DTLS, PacketKind.of(new byte[] {20}, 0, 1));
        assertEquals(PacketKind.DTLS, PacketKind.of(new byte[] {63}, 0, 1));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(new byte[] {64}, 0, 1));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(new byte[] {127}, 0, 1));
        assertEquals(PacketKind.RTP, PacketKind.of(new byte[] {(byte) 128}, 0, 1));
        assertEquals(PacketKind.RTP, PacketKind.of(new byte[] {(byte) 191}, 0, 1));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(new byte[] {(byte) 192}, 0, 1));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(new byte[0], 0, 0));
        assertEquals(PacketKind.UNKNOWN, PacketKind.of(new byte[] {20}, 1, 1));
        assertTrue(PacketKind.isRtcp(new byte[] {(byte) 0x80, (byte) 200}, 0, 2));
        assertFalse(PacketKind.isRtcp(new byte[] {(byte) 0x80, (byte) 111}, 0, 2));
        assertFalse(PacketKind.isRtcp(new byte[] {(byte) 0x80, (byte) (0x80 | 111)}, 0, 2));
    }
}
