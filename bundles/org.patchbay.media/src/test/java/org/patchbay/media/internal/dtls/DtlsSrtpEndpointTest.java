package org.patchbay.media.internal.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.patchbay.media.internal.srtp.SrtpContext;
import org.patchbay.media.internal.srtp.SrtpProfile;

/** Full DTLS-SRTP handshakes over real UDP sockets on 127.0.0.1. */
class DtlsSrtpEndpointTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final NodeCertificate SERVER_CERT = NodeCertificate.generate(RANDOM);
    private static final NodeCertificate CLIENT_CERT = NodeCertificate.generate(RANDOM);
    private static final ExecutorService POOL = Executors.newCachedThreadPool();

    @AfterAll
    static void stopPool() throws InterruptedException {
        POOL.shutdownNow();
        POOL.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static DtlsSrtpEndpoint server(CertificateFingerprint expectedClient, List<SrtpProfile> profiles, int timeout) {
        return new DtlsSrtpEndpoint(SERVER_CERT, expectedClient, false, profiles, timeout, RANDOM);
    }

    private static DtlsSrtpEndpoint client(CertificateFingerprint expectedServer, int timeout) {
        return new DtlsSrtpEndpoint(CLIENT_CERT, expectedServer, true, DtlsSrtpEndpoint.DEFAULT_PROFILES, timeout, RANDOM);
    }

    private static void link(UdpPeer a, UdpPeer b) {
        a.remote(b.address());
        b.remote(a.address());
    }

    @Test
    void ourClientAndOurServerAgreeOnKeysAndSrtpFlows() throws Exception {
        try (UdpPeer s = new UdpPeer(); UdpPeer c = new UdpPeer();
             DtlsSrtpEndpoint server = server(CLIENT_CERT.fingerprint(), DtlsSrtpEndpoint.DEFAULT_PROFILES, 5000);
             DtlsSrtpEndpoint client = client(SERVER_CERT.fingerprint(), 5000)) {
            link(s, c);
            CompletableFuture<DtlsSrtpKeys> sk = server.handshakeAsync(s.transport, POOL);
            DtlsSrtpKeys ck = client.handshake(c.transport);
            DtlsSrtpKeys serverKeys = sk.get(5, TimeUnit.SECONDS);

            assertEquals(SrtpProfile.AEAD_AES_128_GCM, ck.profile());
            assertEquals(ck.profile(), serverKeys.profile());
            assertArrayEquals(ck.localKey(), serverKeys.remoteKey());
            assertArrayEquals(ck.localSalt(), serverKeys.remoteSalt());
            assertArrayEquals(ck.remoteKey(), serverKeys.localKey());
            assertArrayEquals(ck.remoteSalt(), serverKeys.localSalt());
            assertTrue(!Arrays.equals(ck.localKey(), ck.remoteKey()));

            client.close();
            long deadline = System.currentTimeMillis() + 3000;
            boolean open = true;
            while (open && System.currentTimeMillis() < deadline) {
                open = server.serviceInbound(100);
            }
            assertTrue(!open, "the server notices the client's close_notify");

            byte[] rtp = new byte[12 + 20 + 16];
            rtp[0] = (byte) 0x80;
            rtp[3] = 1;
            Arrays.fill(rtp, 12, 32, (byte) 7);
            SrtpContext send = ck.sendContext();
            SrtpContext receive = serverKeys.receiveContext();
            int n = send.protectRtp(rtp, 0, 32);
            assertEquals(32, receive.unprotectRtp(rtp, 0, n));
            assertEquals(7, rtp[31]);
        }
    }

    @Test
    void ourServerAgainstAPlainBouncyCastleClientOnUdpTransport() throws Exception {
        try (UdpPeer s = new UdpPeer(); DatagramSocket cs = new DatagramSocket(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DtlsSrtpEndpoint server = server(CLIENT_CERT.fingerprint(), List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80), 5000)) {
            cs.connect(s.address());
            s.remote((InetSocketAddress) cs.getLocalSocketAddress());
            CompletableFuture<DtlsSrtpKeys> sk = server.handshakeAsync(s.transport, POOL);
            PlainClient bc = new PlainClient(true);
            DTLSTransport t = new DTLSClientProtocol().connect(bc, new UDPTransport(cs, 1500));
            DtlsSrtpKeys keys = sk.get(5, TimeUnit.SECONDS);

            assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, keys.profile());
            assertTrue(SERVER_CERT.fingerprint().matches(bc.serverCert));
            byte[] m = bc.exported;
            assertArrayEquals(Arrays.copyOfRange(m, 0, 16), keys.remoteKey(), "client_write_SRTP_master_key");
            assertArrayEquals(Arrays.copyOfRange(m, 16, 32), keys.localKey(), "server_write_SRTP_master_key");
            assertArrayEquals(Arrays.copyOfRange(m, 32, 46), keys.remoteSalt(), "client_write_SRTP_master_salt");
            assertArrayEquals(Arrays.copyOfRange(m, 46, 60), keys.localSalt(), "server_write_SRTP_master_salt");
            t.close();
        }
    }

    @Test
    void aClientWithoutCertificateIsRefused() throws Exception {
        try (UdpPeer s = new UdpPeer(); DatagramSocket cs = new DatagramSocket(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DtlsSrtpEndpoint server = server(CLIENT_CERT.fingerprint(), DtlsSrtpEndpoint.DEFAULT_PROFILES, 3000)) {
            cs.connect(s.address());
            s.remote((InetSocketAddress) cs.getLocalSocketAddress());
            CompletableFuture<DtlsSrtpKeys> sk = server.handshakeAsync(s.transport, POOL);
            UDPTransport udp = new UDPTransport(cs, 1500);
            assertThrows(IOException.class, () -> new DTLSClientProtocol().connect(new PlainClient(false), udp));
            ExecutionException e = assertThrows(ExecutionException.class, () -> sk.get(5, TimeUnit.SECONDS));
            assertTrue(String.valueOf(e.getCause().getMessage()).contains("no certificate"), e.toString());
        }
    }

    @Test
    void wrongClientFingerprintFailsTheHandshakeOnBothSides() throws Exception {
        CertificateFingerprint other = NodeCertificate.generate(RANDOM).fingerprint();
        try (UdpPeer s = new UdpPeer(); UdpPeer c = new UdpPeer();
             DtlsSrtpEndpoint server = server(other, DtlsSrtpEndpoint.DEFAULT_PROFILES, 3000);
             DtlsSrtpEndpoint client = client(SERVER_CERT.fingerprint(), 3000)) {
            link(s, c);
            CompletableFuture<DtlsSrtpKeys> sk = server.handshakeAsync(s.transport, POOL);
            assertThrows(IOException.class, () -> client.handshake(c.transport));
            ExecutionException e = assertThrows(ExecutionException.class, () -> sk.get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException && e.getCause().getMessage().contains("a=fingerprint"),
                    e.toString());
            assertEquals(null, server.keys());
        }
    }

    @Test
    void wrongServerFingerprintFailsTheClient() throws Exception {
        CertificateFingerprint other = NodeCertificate.generate(RANDOM).fingerprint();
        try (UdpPeer s = new UdpPeer(); UdpPeer c = new UdpPeer();
             DtlsSrtpEndpoint server = server(CLIENT_CERT.fingerprint(), DtlsSrtpEndpoint.DEFAULT_PROFILES, 3000);
             DtlsSrtpEndpoint client = client(other, 3000)) {
            link(s, c);
            CompletableFuture<DtlsSrtpKeys> sk = server.handshakeAsync(s.transport, POOL);
            assertThrows(IOException.class, () -> client.handshake(c.transport));
            assertThrows(ExecutionException.class, () -> sk.get(5, TimeUnit.SECONDS));
            assertEquals(null, client.keys());
        }
    }

    @Test
    void garbageDatagramsAreIgnoredDuringTheHandshake() throws Exception {
        try (UdpPeer s = new UdpPeer(); UdpPeer c = new UdpPeer(); DatagramSocket attacker = new DatagramSocket(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DtlsSrtpEndpoint server = server(CLIENT_CERT.fingerprint(), DtlsSrtpEndpoint.DEFAULT_PROFILES, 5000);
             DtlsSrtpEndpoint client = client(SERVER_CERT.fingerprint(), 5000)) {
            link(s, c);
            Random r = new Random(3);
            CompletableFuture<DtlsSrtpKeys> sk = server.handshakeAsync(s.transport, POOL);
            for (int i = 0; i < 40; i++) {
                byte[] g = new byte[1 + r.nextInt(300)];
                r.nextBytes(g);
                g[0] = (byte) (i % 2 == 0 ? 20 + r.nextInt(44) : 64 + r.nextInt(64));
                attacker.send(new DatagramPacket(g, g.length, s.address()));
            }
            CompletableFuture<DtlsSrtpKeys> ck = client.handshakeAsync(c.transport, POOL);
            for (int i = 0; i < 40; i++) {
                byte[] g = new byte[13 + r.nextInt(300)];
                r.nextBytes(g);
                g[0] = 22;
                g[1] = (byte) 0xfe;
                g[2] = (byte) 0xfd;
                attacker.send(new DatagramPacket(g, g.length, s.address()));
                attacker.send(new DatagramPacket(g, g.length, c.address()));
            }
            DtlsSrtpKeys keys = ck.get(5, TimeUnit.SECONDS);
            assertArrayEquals(keys.localKey(), sk.get(5, TimeUnit.SECONDS).remoteKey());
            assertTrue(s.notDtls.get() >= 20, "classifier dropped the non-DTLS garbage");
        }
    }

    @Test
    void handshakeWithoutPeerTimesOutAndCloseAbortsPromptly() throws Exception {
        try (UdpPeer s = new UdpPeer(); UdpPeer nobody = new UdpPeer();
             DtlsSrtpEndpoint server = server(CLIENT_CERT.fingerprint(), DtlsSrtpEndpoint.DEFAULT_PROFILES, 1000)) {
            s.remote(nobody.address());
            long start = System.nanoTime();
            assertThrows(IOException.class, () -> server.handshake(s.transport));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 900 && ms < 4000, "timed out after " + ms + " ms");
        }
        try (UdpPeer c = new UdpPeer(); UdpPeer nobody = new UdpPeer();
             DtlsSrtpEndpoint client = client(SERVER_CERT.fingerprint(), 60_000)) {
            c.remote(nobody.address());
            CompletableFuture<DtlsSrtpKeys> ck = client.handshakeAsync(c.transport, POOL);
            Thread.sleep(200);
            long start = System.nanoTime();
            client.close();
            assertThrows(ExecutionException.class, () -> ck.get(3, TimeUnit.SECONDS));
            assertTrue((System.nanoTime() - start) / 1_000_000 < 3000);
        }
    }

    /** A DTLS-SRTP client written directly against BouncyCastle, independent of {@link DtlsSrtpClient}. */
    private static final class PlainClient extends DefaultTlsClient {
        final boolean withCertificate;
        byte[] exported;
        byte[] serverCert;

        PlainClient(boolean withCertificate) {
            super(new JcaTlsCryptoProvider().create(RANDOM));
            this.withCertificate = withCertificate;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        @SuppressWarnings("unchecked")
        public Hashtable getClientExtensions() throws IOException {
            Hashtable ext = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
            TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {
                SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32, SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80},
                TlsUtils.EMPTY_BYTES));
            return ext;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate sc) throws IOException {
                    serverCert = sc.getCertificate().getCertificateAt(0).getEncoded();
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest cr) throws IOException {
                    if (!withCertificate) {
                        return null;
                    }
                    JcaTlsCrypto crypto = (JcaTlsCrypto) getCrypto();
                    Certificate chain = new Certificate(new TlsCertificate[] {
                        crypto.createCertificate(CLIENT_CERT.encoded())});
                    return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                            CLIENT_CERT.privateKey(), chain,
                            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            exported = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 60);
        }
    }
}
