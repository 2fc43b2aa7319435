package org.patchbay.media.internal.dtls;

import java.io.IOException;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.patchbay.media.internal.srtp.SrtpProfile;

/**
 * What the DTLS client and server of one DTLS-SRTP association share: our certificate, the peer's
 * expected fingerprint, the SRTP profiles we accept in order of preference, the handshake timeout, and
 * the keys once exported. Used by one handshake thread.
 */
final class DtlsSrtpPeer {

    /** ECDHE-ECDSA suites browsers offer, AEAD first. */
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    };

    final JcaTlsCrypto crypto;
    final NodeCertificate certificate;
    final CertificateFingerprint remoteFingerprint;
    final List<SrtpProfile> profiles;
    final int timeoutMillis;
    volatile SrtpProfile selected;
    volatile DtlsSrtpKeys keys;

    DtlsSrtpPeer(JcaTlsCrypto crypto, NodeCertificate certificate, CertificateFingerprint remoteFingerprint,
                 List<SrtpProfile> profiles, int timeoutMillis) {
        this.crypto = crypto;
        this.certificate = certificate;
        this.remoteFingerprint = remoteFingerprint;
        this.profiles = List.copyOf(profiles);
        this.timeoutMillis = timeoutMillis;
    }

    int[] profileIds() {
        return profiles.stream().mapToInt(SrtpProfile::dtlsId).toArray();
    }

    int[] cipherSuites() {
        return TlsUtils.getSupportedCipherSuites(crypto, CIPHER_SUITES);
    }

    TlsCredentialedSigner signer(TlsContext context) throws IOException {
        Certificate chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(certificate.encoded())});
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                certificate.privateKey(), chain,
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    /** Fails the handshake unless the peer's end-entity certificate has the fingerprint from its SDP. */
    void verify(Certificate peer) throws IOException {
        if (peer == null || peer.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "peer sent no certificate");
        }
        if (!remoteFingerprint.matches(peer.getCertificateAt(0).getEncoded())) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "peer certificate does not match a=fingerprint");
        }
    }

    /** Exports the SRTP keys (RFC 5764 §4.2); call from notifyHandshakeComplete. */
    void export(TlsContext context, boolean weAreClient) throws IOException {
        SrtpProfile p = selected;
        if (p == null) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "no SRTP profile negotiated");
        }
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null,
                2 * (p.keyLength() + p.saltLength()));
        keys = DtlsSrtpKeys.fromExporter(p, material, weAreClient);
    }
}
