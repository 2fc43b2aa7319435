package org.patchbay.media.internal.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.patchbay.media.internal.srtp.SrtpProfile;

/** The DTLS 1.2 client side of DTLS-SRTP: offers use_srtp and checks the server certificate against SDP. */
final class DtlsSrtpClient extends DefaultTlsClient {

    private final DtlsSrtpPeer peer;

    DtlsSrtpClient(DtlsSrtpPeer peer) {
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
    @SuppressWarnings("unchecked")
    public Hashtable getClientExtensions() throws IOException {
        Hashtable ext = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(peer.profileIds(), TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (chosen == null || chosen.getProtectionProfiles().length != 1) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server did not select one SRTP profile");
        }
        int id = chosen.getProtectionProfiles()[0];
        SrtpProfile p = SrtpProfile.ofDtlsId(id).filter(peer.profiles::contains)
                .orElseThrow(() -> new TlsFatalAlert(AlertDescription.illegal_parameter,
                        "server chose an SRTP profile we did not offer"));
        peer.selected = p;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                peer.verify(serverCertificate.getCertificate());
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) throws IOException {
                return peer.signer(context);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        peer.export(context, true);
    }
}
