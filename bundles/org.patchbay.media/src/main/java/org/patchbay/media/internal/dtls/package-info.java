/**
 * DTLS-SRTP (RFC 5763, 5764, 8842) over BouncyCastle, the node certificate, SDP {@code a=fingerprint} and
 * {@code a=setup} helpers, and the RFC 7983 demultiplexer.
 *
 * <h2>Wiring (demux → ICE-lite → DTLS → SRTP)</h2>
 * <ol>
 * <li>At activation the media component loads {@link org.patchbay.media.internal.dtls.NodeCertificate}
 * once from its state directory; its fingerprint goes into every answer.</li>
 * <li>For a browser offer: {@code a=setup} answer from
 * {@link org.patchbay.media.internal.dtls.DtlsSetup#answerTo} (passive to actpass, so we are the DTLS
 * server), and the offer's {@code a=fingerprint} parsed with
 * {@link org.patchbay.media.internal.dtls.CertificateFingerprint#parse}.</li>
 * <li>The socket thread classifies datagrams with {@link org.patchbay.media.internal.dtls.PacketKind};
 * DTLS datagrams from an address the {@code IceLiteResponder} validated are
 * {@link org.patchbay.media.internal.dtls.QueueDatagramTransport#offer offered} to the leg's transport,
 * whose sender writes to that address through the same socket.</li>
 * <li>{@link org.patchbay.media.internal.dtls.DtlsSrtpEndpoint#handshakeAsync} runs on the engine's
 * executor (the only blocking thread BouncyCastle needs), started as server when the first DTLS datagram
 * from a validated address arrives, as client when ICE selected a pair, so that its timeout measures DTLS
 * and not the browser's ICE gathering; then the same task keeps calling
 * {@code serviceInbound} until the leg ends; the leg's end calls {@code close()}, which sends
 * close_notify and wakes the thread.</li>
 * <li>The resulting {@link org.patchbay.media.internal.dtls.DtlsSrtpKeys} give the two
 * {@code SrtpContext}s: {@code sendContext()} for what we send, {@code receiveContext()} for what we get.</li>
 * </ol>
 * A handshake failure (fingerprint mismatch, no common profile, timeout) ends the leg with a one-line
 * reason; garbage that looks like DTLS is discarded by BouncyCastle's record layer.
 */
package org.patchbay.media.internal.dtls;
