package org.patchbay.media.internal.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.patchbay.media.internal.dtls.CertificateFingerprint;
import org.patchbay.media.internal.dtls.DtlsSetup;
import org.patchbay.media.internal.dtls.DtlsSrtpEndpoint;
import org.patchbay.media.internal.dtls.DtlsSrtpKeys;
import org.patchbay.media.internal.dtls.NodeCertificate;
import org.patchbay.media.internal.dtls.PacketKind;
import org.patchbay.media.internal.dtls.QueueDatagramTransport;
import org.patchbay.media.internal.sdp.WebRtcSdp;
import org.patchbay.media.internal.srtp.SrtpContext;
import org.patchbay.media.internal.stun.IceCredentials;
import org.patchbay.media.internal.stun.IceLiteResponder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebRTC side of one leg's endpoint: everything (STUN, DTLS, SRTP, SRTCP) on the endpoint's RTP port (BUNDLE,
 * rtcp-mux), demultiplexed by the first byte (RFC 7983). ICE-lite answers the browser's checks; only sources ICE
 * validated may do DTLS or send media, and media goes to the pair the browser nominated. DTLS-SRTP runs on the
 * engine's DTLS executor (BouncyCastle blocks), never on a loop thread; its keys give the SRTP contexts, which then
 * belong to the loop thread.
 *
 * <p>Signalling side ({@link #local}, {@link #remote}, {@link #offering}) runs on the call's signalling thread; the
 * datagram side ({@link #receive}, {@link #sendRtp}, {@link #sendRtcp}) on the call's loop thread.
 */
final class WebRtcLeg implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebRtcLeg.class);
    private static final int SERVICE_WAIT_MILLIS = 1000;

    private final String label;
    private final NodeCertificate certificate;
    private final Executor executor;
    private final SecureRandom random;
    private final IceCredentials local;
    private final IceLiteResponder ice;
    private final DatagramChannel channel;
    private final QueueDatagramTransport transport;
    private final AtomicBoolean started = new AtomicBoolean();
    private final byte[] in = new byte[8192];
    private final byte[] out = new byte[8192 + 64];
    private final ByteBuffer outBuf = ByteBuffer.wrap(out);

    private volatile DtlsSetup setup = DtlsSetup.ACTPASS;
    private volatile CertificateFingerprint remoteFingerprint;
    private volatile String remoteUfrag;
    private volatile WebRtcSdp.Params offer;
    private volatile DtlsSrtpEndpoint dtls;
    private volatile InetSocketAddress dtlsPeer;
    private volatile boolean dtlsPending;
    private volatile boolean dtlsFailed;
    private volatile boolean closed;
    // set once by the DTLS thread, then used by the loop thread only
    private volatile SrtpContext sendContext;
    private volatile SrtpContext receiveContext;
    private volatile long dropped;
    private volatile long lastIceLog;

    WebRtcLeg(String label, NodeCertificate certificate, Executor executor, SecureRandom random,
              DatagramChannel channel) {
        this.label = label;
        this.certificate = certificate;
        this.executor = executor;
        this.random = random;
        this.channel = channel;
        this.local = IceCredentials.generate(random);
        this.ice = new IceLiteResponder(local, null);
        this.transport = new QueueDatagramTransport(this::sendDtls, QueueDatagramTransport.DEFAULT_MTU);
    }

    // --- signalling side ------------------------------------------------------------------------------------------

    /** What our SDP towards the browser says about us. */
    WebRtcSdp.Local local(String address, int port) {
        return new WebRtcSdp.Local(local.ufrag(), local.pwd(), certificate.fingerprint().format(), setup.sdpValue(),
                address, port);
    }

    /** We send the browser an offer: {@code a=setup:actpass}, the browser's answer decides the DTLS roles. */
    void offering() {
        if (dtls == null) {
            setup = DtlsSetup.ACTPASS;
        }
        offer = null;
    }

    /** The browser's offer (the answer we give it then uses {@link #offer()}), or null when it answered ours. */
    WebRtcSdp.Params offer() {
        return offer;
    }

    /**
     * The browser's SDP: its ICE credentials, fingerprint and setup. {@code isOffer}: we answer it (our setup is the
     * answer to its own); otherwise it answers our {@code actpass} and we take the other role.
     */
    void remote(WebRtcSdp.Params p, boolean isOffer) {
        if (!p.ufrag().equals(remoteUfrag)) {
            remoteUfrag = p.ufrag();
            ice.remoteUfrag(p.ufrag()); // ICE (re)start: pairs are learned again
        }
        CertificateFingerprint f = CertificateFingerprint.parse(p.fingerprint());
        if (remoteFingerprint != null && !remoteFingerprint.equals(f) && dtls != null) {
            LOG.warn("{}: browser changed its DTLS fingerprint mid-call; the running association is kept", label);
        }
        if (dtls == null) {
            remoteFingerprint = f;
            DtlsSetup theirs = p.setup() == null ? null : DtlsSetup.parse(p.setup());
            if (isOffer) {
                offer = p;
                setup = DtlsSetup.answerTo(theirs, false);
            } else {
                setup = theirs == DtlsSetup.PASSIVE ? DtlsSetup.ACTIVE : DtlsSetup.PASSIVE;
            }
        } else if (isOffer) {
            offer = p;
        }
        if (dtlsPending) {
            startDtls(); // DTLS (server) or the nomination (client) came before this SDP
        }
    }

    // --- loop thread ------------------------------------------------------------------------------------------------

    /**
     * Handles one datagram that arrived on the leg's port. STUN and DTLS are consumed here; SRTP and SRTCP from a
     * validated source are decrypted and written back into {@code buf} (position 0, limit the plain length).
     *
     * @return the plain RTP/RTCP length to relay, or 0 when there is nothing to relay
     */
    int receive(ByteBuffer buf, InetSocketAddress source) {
        int len = buf.remaining();
        if (len > in.length) {
            dropped++;
            return 0;
        }
        buf.get(in, 0, len);
        long now = System.nanoTime() / 1_000_000;
        switch (PacketKind.of(in, 0, len)) {
            case STUN -> {
                IceLiteResponder.Outcome o = ice.handle(in, 0, len, source, now);
                if (o.response() != null) {
                    send(ByteBuffer.wrap(o.response()), source);
                }
                if (o.verdict() != IceLiteResponder.Verdict.VALID_CHECK && now - lastIceLog > 10_000) {
                    lastIceLog = now;
                    LOG.info("{}: {}", label, o.reason());
                }
                if (o.verdict() == IceLiteResponder.Verdict.VALID_CHECK && setup.isDtlsClient()
                        && ice.selected() != null) {
                    dtlsPeer = ice.selected();
                    startDtls();
                }
                return 0;
            }
            case DTLS -> {
                if (!ice.isValidated(source, now)) {
                    dropped++;
                    return 0;
                }
                dtlsPeer = source;
                transport.offer(in, 0, len);
                if (!setup.isDtlsClient()) {
                    startDtls();
                }
                return 0;
            }
            case RTP -> {
                SrtpContext ctx = receiveContext;
                if (ctx == null || !ice.isValidated(source, now)) {
                    dropped++;
                    return 0;
                }
                int n = PacketKind.isRtcp(in, 0, len) ? ctx.unprotectRtcp(in, 0, len) : ctx.unprotectRtp(in, 0, len);
                if (n <= 0) {
                    dropped++;
                    return 0;
                }
                buf.clear();
                buf.put(in, 0, n);
                buf.flip();
                return n;
            }
            default -> {
                dropped++;
                return 0;
            }
        }
    }

    /** Protects a plain RTP packet ({@code buf} from position 0, {@code len} bytes) and sends it to the browser. */
    boolean sendRtp(ByteBuffer buf, int len) {
        SrtpContext ctx = sendContext;
        InetSocketAddress to = target();
        if (ctx == null || to == null || len > out.length - ctx.rtpOverhead()) {
            return false;
        }
        buf.position(0);
        buf.get(out, 0, len);
        int n = ctx.protectRtp(out, 0, len);
        if (n <= 0) {
            return false;
        }
        outBuf.clear().limit(n);
        return send(outBuf, to);
    }

    /** Protects a plain RTCP compound packet and sends it to the browser (rtcp-mux). */
    boolean sendRtcp(ByteBuffer buf) {
        SrtpContext ctx = sendContext;
        InetSocketAddress to = target();
        buf.position(0);
        int len = buf.remaining();
        if (ctx == null || to == null || len < 8 || len > out.length - ctx.rtcpOverhead()) {
            return false;
        }
        buf.get(out, 0, len);
        int n = ctx.protectRtcp(out, 0, len);
        outBuf.clear().limit(n);
        return send(outBuf, to);
    }

    /** Where media goes: the nominated pair, else the source DTLS came from. */
    InetSocketAddress target() {
        InetSocketAddress s = ice.selected();
        return s != null ? s : dtlsPeer;
    }

    boolean secured() {
        return sendContext != null;
    }

    long dropped() {
        return dropped;
    }

    /** Consent lapsed (RFC 7675): no valid check from the selected pair for 30 s. */
    /** The DTLS handshake failed (wrong certificate, timeout, garbage): this leg will never carry media. */
    boolean dtlsFailed() {
        return dtlsFailed;
    }

    boolean consentExpired(long nowNanos) {
        return ice.consentExpired(nowNanos / 1_000_000);
    }

    private boolean send(ByteBuffer b, InetSocketAddress to) {
        try {
            return channel.send(b, to) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    // --- DTLS thread ------------------------------------------------------------------------------------------------

    private void sendDtls(byte[] buf, int off, int len) throws IOException {
        InetSocketAddress to = target();
        if (to == null) {
            throw new IOException("no validated ICE pair to send DTLS to");
        }
        channel.send(ByteBuffer.wrap(buf, off, len), to);
    }

    /** Starts the handshake once: needs the browser's fingerprint (its SDP may come after its first DTLS packet). */
    private void startDtls() {
        CertificateFingerprint f = remoteFingerprint;
        if (f == null) {
            dtlsPending = true;
            return;
        }
        if (closed || !started.compareAndSet(false, true)) {
            return;
        }
        dtlsPending = false;
        DtlsSrtpEndpoint d = new DtlsSrtpEndpoint(certificate, f, setup.isDtlsClient(),
                DtlsSrtpEndpoint.DEFAULT_PROFILES, DtlsSrtpEndpoint.DEFAULT_TIMEOUT_MILLIS, random);
        dtls = d;
        boolean client = setup.isDtlsClient();
        executor.execute(() -> {
            try {
                DtlsSrtpKeys keys = d.handshake(transport);
                sendContext = keys.sendContext();
                receiveContext = keys.receiveContext(); // second: relayed media finds the way back ready
                LOG.debug("{}: DTLS-SRTP up as {} ({})", label, client ? "client" : "server", keys.profile());
                while (!closed && d.serviceInbound(SERVICE_WAIT_MILLIS)) {
                    // answers retransmitted final flights; ends on close_notify or close()
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("{}: DTLS handshake failed: {}", label, e.getMessage());
                    dtlsFailed = true;
                }
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        DtlsSrtpEndpoint d = dtls;
        if (d != null) {
            d.close();
        }
        transport.close();
    }
}
