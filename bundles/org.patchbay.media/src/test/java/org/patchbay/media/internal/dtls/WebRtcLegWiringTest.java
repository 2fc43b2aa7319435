package org.patchbay.media.internal.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.patchbay.media.internal.srtp.SrtpContext;
import org.patchbay.media.internal.stun.IceCredentials;
import org.patchbay.media.internal.stun.IceLiteResponder;
import org.patchbay.media.internal.stun.StunMessage;
import org.patchbay.media.internal.stun.StunMessageBuilder;

/**
 * The wiring the package documentation describes, as the media engine will do it: one socket,
 * RFC 7983 demux, ICE-lite source validation, DTLS-SRTP as server, SRTP in. A simulated browser does
 * ICE checks, the DTLS client handshake and sends SRTP; an attacker replays the same SRTP from an
 * address ICE never validated.
 */
class WebRtcLegWiringTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Our side of one leg: what the engine's socket thread does with each datagram. */
    private static final class LiteLeg implements AutoCloseable {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final IceLiteResponder ice;
        final QueueDatagramTransport dtlsTransport;
        final DtlsSrtpEndpoint dtls;
        final AtomicInteger mediaAccepted = new AtomicInteger();
        final AtomicInteger droppedUnvalidated = new AtomicInteger();
        volatile InetSocketAddress dtlsPeer;
        volatile SrtpContext receive;
        volatile CompletableFuture<DtlsSrtpKeys> handshake;
        final Thread reader = new Thread(this::run, "test-leg");
        private final ExecutorService executor;

        LiteLeg(IceCredentials local, String remoteUfrag, CertificateFingerprint remote, NodeCertificate cert,
                ExecutorService executor) throws IOException {
            socket.setSoTimeout(50);
            ice = new IceLiteResponder(local, remoteUfrag);
            dtlsTransport = new QueueDatagramTransport(
                    (b, o, l) -> socket.send(new DatagramPacket(b, o, l, dtlsPeer)), QueueDatagramTransport.DEFAULT_MTU);
            dtls = new DtlsSrtpEndpoint(cert, remote, DtlsSetup.answerTo(DtlsSetup.ACTPASS, false).isDtlsClient(),
                    DtlsSrtpEndpoint.DEFAULT_PROFILES, 5000, RANDOM);
            reader.setDaemon(true);
            this.executor = executor;
            reader.start();
        }

        private void run() {
            byte[] buf = new byte[1500];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (!socket.isClosed()) {
                try {
                    p.setLength(buf.length);
                    socket.receive(p);
                    handle(buf, p.getLength(), (InetSocketAddress) p.getSocketAddress(), System.currentTimeMillis());
                } catch (SocketTimeoutException e) {
                    // poll the closed flag
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void handle(byte[] buf, int len, InetSocketAddress from, long now) throws IOException {
            switch (PacketKind.of(buf, 0, len)) {
                case STUN -> {
                    IceLiteResponder.Outcome o = ice.handle(buf, 0, len, from, now);
                    if (o.response() != null) {
                        socket.send(new DatagramPacket(o.response(), o.response().length, from));
                    }
                }
                case DTLS -> {
                    if (!ice.isValidated(from, now)) {
                        droppedUnvalidated.incrementAndGet();
                        return;
                    }
                    dtlsPeer = from;
                    dtlsTransport.offer(buf, 0, len);
                    if (handshake == null) {
                        handshake = dtls.handshakeAsync(dtlsTransport, executor).thenApply(keys -> {
                            receive = keys.receiveContext();
                            return keys;
                        });
                    }
                }
                case RTP -> {
                    SrtpContext ctx = receive;
                    if (!ice.isValidated(from, now) || ctx == null) {
                        droppedUnvalidated.incrementAndGet();
                    } else if (ctx.unprotectRtp(buf, 0, len) > 0) {
                        mediaAccepted.incrementAndGet();
                    }
                }
                default -> droppedUnvalidated.incrementAndGet();
            }
        }

        @Override
        public void close() throws InterruptedException {
            dtls.close();
            socket.close();
            reader.join(1000);
        }
    }

    @Test
    void browserGetsIceDtlsAndSrtpThroughAndAnUnvalidatedSourceIsDropped() throws Exception {
        ExecutorService executor = Executors.newCachedThreadPool();
        NodeCertificate nodeCert = NodeCertificate.generate(RANDOM);
        NodeCertificate browserCert = NodeCertificate.generate(RANDOM);
        IceCredentials ours = IceCredentials.generate(RANDOM);
        IceCredentials browsers = IceCredentials.generate(RANDOM);
        try (LiteLeg leg = new LiteLeg(ours, browsers.ufrag(), browserCert.fingerprint(), nodeCert, executor);
             UdpPeer browser = new UdpPeer();
             DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DtlsSrtpEndpoint browserDtls = new DtlsSrtpEndpoint(browserCert, nodeCert.fingerprint(), true,
                     DtlsSrtpEndpoint.DEFAULT_PROFILES, 5000, RANDOM)) {
            InetSocketAddress node = (InetSocketAddress) leg.socket.getLocalSocketAddress();
            browser.remote(node);

            // ICE: the browser (controlling) nominates its only pair; UdpPeer's reader counts the STUN response
            byte[] check = new StunMessageBuilder(StunMessage.BINDING_REQUEST, new byte[12])
                    .username(ours.ufrag() + ":" + browsers.ufrag()).role(true, 7).priority(1).useCandidate()
                    .build(ours.pwd().getBytes(StandardCharsets.UTF_8), true);
            browser.socket.send(new DatagramPacket(check, check.length, node));
            long deadline = System.currentTimeMillis() + 3000;
            while (leg.ice.selected() == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(browser.address(), leg.ice.selected());

            // DTLS: the browser is the client (our answer to actpass is passive)
            DtlsSrtpKeys browserKeys = browserDtls.handshake(browser.transport);
            leg.handshake.get(5, TimeUnit.SECONDS);

            SrtpContext send = browserKeys.sendContext();
            for (int seq = 0; seq < 5; seq++) {
                byte[] rtp = new byte[12 + 160 + send.rtpOverhead()];
                rtp[0] = (byte) 0x80;
                rtp[3] = (byte) seq;
                int n = send.protectRtp(rtp, 0, 172);
                browser.socket.send(new DatagramPacket(rtp, n, node));
                attacker.send(new DatagramPacket(rtp, n, node));
            }
            deadline = System.currentTimeMillis() + 3000;
            while ((leg.mediaAccepted.get() < 5 || leg.droppedUnvalidated.get() < 5)
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(5, leg.mediaAccepted.get());
            assertTrue(leg.droppedUnvalidated.get() >= 5, "attacker's copies dropped: " + leg.droppedUnvalidated.get());
            assertTrue(browser.notDtls.get() >= 1, "the browser got a STUN response");
        } finally {
            executor.shutdownNow();
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
