package org.patchbay.media.internal.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.patchbay.media.internal.srtp.SrtpProfile;

/** The DTLS 1.2 server side of DTLS-SRTP: requires a client certificate and checks it against SDP. */
final class DtlsSrtpServer extends DefaultTlsServer {

    private final DtlsSrtpPeer peer;

    DtlsSrtpServer(DtlsSrtpPeer peer) {
        super(peer.crypto);
        this.peer = peer;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return peer.cipherSuites();
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return peer.timeoutMillis;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return peer.signer(context);
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "client did not offer use_srtp");
        }
        for (SrtpProfile p : peer.profiles) {
            for (int id : offered.getProtectionProfiles()) {
                if (id == p.dtlsId()) {
                    peer.selected = p;
                    return;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP protection profile");
    }

    @Override
    @SuppressWarnings("unchecked")
    public Hashtable getServerExtensions() throws IOException {
        Hashtable ext = TlsExtensionsUtils.ensureExtensionsInitialised(super.getServerExtensions());
        int[] chosen = {peer.selected.dtlsId()};
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(chosen, TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    @SuppressWarnings("unchecked")
    public CertificateRequest getCertificateRequest() {
        Vector algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        peer.verify(clientCertificate);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        peer.export(context, false);
    }
}
