package org.patchbay.media.internal.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.patchbay.media.internal.srtp.SrtpProfile;

/**
 * One DTLS-SRTP association (RFC 5764) over BouncyCastle's DTLS 1.2: as client ({@code a=setup:active})
 * or server ({@code passive}), authenticating the peer by the {@code a=fingerprint} of its SDP (RFC 8122
 * §5; a mismatch fails the handshake with a bad_certificate alert), negotiating use_srtp and exporting
 * the SRTP master keys.
 *
 * <p>BouncyCastle's handshake blocks, so {@link #handshake} runs on a thread the caller provides
 * ({@link #handshakeAsync} with the media engine's executor); it ends with the keys, or with an
 * exception on failure, on {@link #close}, or after the handshake timeout. After the handshake the same
 * thread may call {@link #serviceInbound} to answer retransmissions of the peer's last flight and to
 * notice close_notify.
 */
public final class DtlsSrtpEndpoint implements AutoCloseable {

    /** Default bound on the whole handshake. */
    public static final int DEFAULT_TIMEOUT_MILLIS = 10_000;
    /** The profiles offered or accepted, in order of preference. */
    public static final List<SrtpProfile> DEFAULT_PROFILES = List.of(SrtpProfile.AEAD_AES_128_GCM,
            SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AES_CM_128_HMAC_SHA1_32);

    private final DtlsSrtpPeer peer;
    private final boolean client;
    private volatile DatagramTransport transport;
    private volatile DTLSTransport dtls;
    private volatile boolean closed;

    /**
     * @param certificate       this node's certificate
     * @param remoteFingerprint the fingerprint from the peer's SDP
     * @param client            whether we are the DTLS client (our {@code a=setup} is {@code active})
     * @param profiles          SRTP profiles we accept, in order of preference
     * @param timeoutMillis     bound on the whole handshake
     * @param random            randomness for the handshake
     */
    public DtlsSrtpEndpoint(NodeCertificate certificate, CertificateFingerprint remoteFingerprint, boolean client,
                            List<SrtpProfile> profiles, int timeoutMillis, SecureRandom random) {
        if (profiles.isEmpty() || timeoutMillis <= 0) {
            throw new IllegalArgumentException("need at least one SRTP profile and a positive timeout");
        }
        JcaTlsCrypto crypto = (JcaTlsCrypto) new JcaTlsCryptoProvider().create(random);
        this.peer = new DtlsSrtpPeer(crypto, certificate, remoteFingerprint, profiles, timeoutMillis);
        this.client = client;
    }

    /**
     * Runs the handshake over {@code transport}, blocking the calling thread.
     *
     * @return the SRTP keys
     * @throws IOException on failure (a fatal alert, a fingerprint mismatch, no common profile), timeout or close
     */
    public DtlsSrtpKeys handshake(DatagramTransport transport) throws IOException {
        this.transport = transport;
        if (closed) {
            throw new IOException("DTLS endpoint closed");
        }
        DTLSTransport established = client
                ? new DTLSClientProtocol().connect(new DtlsSrtpClient(peer), transport)
                : new DTLSServerProtocol().accept(new DtlsSrtpServer(peer), transport);
        dtls = established;
        if (closed) {
            established.close();
            throw new IOException("DTLS endpoint closed during the handshake");
        }
        return peer.keys;
    }

    /** Runs {@link #handshake} on {@code executor}; the future fails with the handshake's IOException as cause. */
    public CompletableFuture<DtlsSrtpKeys> handshakeAsync(DatagramTransport transport, Executor executor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return handshake(transport);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, executor);
    }

    /**
     * After the handshake: waits up to {@code waitMillis} for one inbound DTLS record and processes it
     * (answers a retransmitted final flight, takes note of close_notify). Application data (data channels)
     * is discarded.
     *
     * @return false once the association is closed or failed
     */
    public boolean serviceInbound(int waitMillis) {
        DTLSTransport d = dtls;
        if (d == null || closed) {
            return false;
        }
        try {
            byte[] buf = new byte[d.getReceiveLimit()];
            d.receive(buf, 0, buf.length, waitMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The negotiated keys, or null before the handshake completed. */
    public DtlsSrtpKeys keys() {
        return peer.keys;
    }

    /** Sends close_notify if established and closes the transport, which ends a running handshake. */
    @Override
    public void close() {
        closed = true;
        DTLSTransport d = dtls;
        if (d != null) {
            try {
                d.close();
            } catch (IOException ignored) {
                // the peer may already be gone; the transport below is closed regardless
            }
        }
        DatagramTransport t = transport;
        if (t != null) {
            try {
                t.close();
            } catch (IOException ignored) {
                // closing a queue transport does not fail; another transport's failure changes nothing here
            }
        }
    }
}
