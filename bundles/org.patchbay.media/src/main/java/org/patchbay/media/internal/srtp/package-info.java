/**
 * SRTP and SRTCP (RFC 3711, RFC 7714) and SDES {@code a=crypto} (RFC 4568).
 *
 * <h2>Wiring</h2>
 * WebRTC legs get their master keys from DTLS-SRTP ({@code dtls.DtlsSrtpKeys#sendContext} and
 * {@code #receiveContext}); SIP legs that offer SDES parse each {@code a=crypto} line with
 * {@link org.patchbay.media.internal.srtp.SdesCrypto#parse}, pick the first supported suite, answer with
 * {@link org.patchbay.media.internal.srtp.SdesCrypto#generate} under the same tag and suite, and build
 * the receive context from the offer's line and the send context from ours ({@code SdesCrypto#context}).
 * Plain RTP legs use none.
 *
 * <p>The socket thread (after demux and ICE source validation) calls {@code unprotectRtp} or
 * {@code unprotectRtcp} (rtcp-mux: {@code dtls.PacketKind#isRtcp}) on its receive buffer in place and drops
 * {@link org.patchbay.media.internal.srtp.SrtpContext#REJECTED} packets, whose reasons are counted by the
 * context; before sending it calls {@code protectRtp}/{@code protectRtcp} on a buffer with
 * {@code rtpOverhead()}/{@code rtcpOverhead()} spare bytes. A context is single-threaded: it belongs to
 * the thread of its leg's socket. Keys are never logged ({@code toString} hides them).
 *
 * <p>Limits: key derivation rate 0 only (what DTLS-SRTP and browsers use); MKI with the AES-CM profiles
 * only ({@link org.patchbay.media.internal.srtp.SdesCrypto#context} builds the context with it); one key
 * per direction (no MKI-based rekeying, no lifetime enforcement); AES-256 and AES-256-GCM suites and
 * {@code UNENCRYPTED_SRTP}/{@code UNENCRYPTED_SRTCP} are not implemented.
 */
package org.patchbay.media.internal.srtp;
