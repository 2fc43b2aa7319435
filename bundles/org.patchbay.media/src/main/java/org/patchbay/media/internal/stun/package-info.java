/**
 * STUN (RFC 8489) and the ICE-lite responder (RFC 8445 §2.5, RFC 7675) of WebRTC legs.
 *
 * <h2>How a WebRTC leg wires the security building blocks</h2>
 * One UDP socket per leg carries everything (BUNDLE, rtcp-mux). The engine's socket thread classifies
 * each datagram with {@code dtls.PacketKind.of} (RFC 7983) and:
 * <ol>
 * <li><b>STUN</b> → {@link org.patchbay.media.internal.stun.IceLiteResponder#handle}; a non-null
 * {@code response} goes back to the source address. ERROR/DROPPED outcomes carry a reason for a
 * counter and a rate-limited one-line log.</li>
 * <li><b>DTLS</b> → only if {@code responder.isValidated(source, now)}: {@code QueueDatagramTransport.offer};
 * a {@code DtlsSrtpEndpoint} (server when our {@code a=setup} is {@code passive}) runs its blocking
 * handshake on the engine's executor, sending to the validated source, and yields {@code DtlsSrtpKeys}.</li>
 * <li><b>RTP/RTCP</b> → only if validated and keys exist: {@code PacketKind.isRtcp} picks
 * {@code SrtpContext.unprotectRtcp} or {@code unprotectRtp} of the receive context; {@code REJECTED}
 * is dropped and counted. Media we send goes to {@code responder.selected()} through the send context.</li>
 * <li>Anything else, or from an address ICE has not validated, is dropped and counted.</li>
 * </ol>
 * A periodic task of the engine ends the leg when {@code responder.consentExpired(now)}.
 * Credentials come from {@link org.patchbay.media.internal.stun.IceCredentials#generate} per leg and go
 * into the answer as {@code a=ice-ufrag}/{@code a=ice-pwd} with {@code a=ice-lite}; the offer's ufrag is
 * passed to the responder so checks for another session are refused.
 *
 * <p>Nothing in this package starts threads; the responder is thread-safe, the codec classes immutable.
 */
package org.patchbay.media.internal.stun;
