package org.patchbay.media.internal.relay;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.patchbay.api.media.MediaHook;
import org.patchbay.api.media.MediaStats;
import org.patchbay.media.internal.codec.Codec;
import org.patchbay.media.internal.codec.Transcoder;
import org.patchbay.media.internal.sdp.Codecs;
import org.patchbay.media.internal.sdp.MediaDescription;
import org.patchbay.media.internal.dtls.NodeCertificate;
import org.patchbay.media.internal.sdp.Sdp;
import org.patchbay.media.internal.sdp.WebRtcSdp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The anchoring relay: one endpoint (RTP/RTCP port pair) per leg, SDP of every leg rewritten to the node's endpoint
 * for that leg, media relayed between the two legs that point at each other. Plain object, no OSGi: the component
 * owns one per configuration.
 *
 * <p>Pairing: the leg an SDP goes to points at the leg it came from; the leg it came from points back only when it
 * points nowhere yet. With forking the caller's offer reaches every callee leg, each callee leg points at the caller,
 * and the caller points at whichever callee leg last sent it SDP (early media, then the answer).
 */
public final class MediaEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MediaEngine.class);

    /**
     * @param host           address the media ports bind
     * @param address        address written into SDP (where parties send media)
     * @param timeoutSeconds media timeout, 0 = off
     * @param anchor         false: SDP passes unchanged, nothing is relayed
     */
    public record Settings(String host, String address, int portMin, int portMax, int threads, int timeoutSeconds,
                           boolean anchor) {
    }

    /** The core as the engine sees it. */
    public interface Calls {
        /** Whether the call is answered (the media timeout applies only then). */
        boolean answered(String callId);

        /** Ends the call towards every party; {@code reason} is the record's end reason. */
        void end(String callId, String reason);

        /** Sends SIP INFO to one leg (a DTMF digit for a browser); must not block the caller for long. */
        default void info(String callId, String legId, String contentType, byte[] body) {
        }
    }

    private final Settings settings;
    private final Calls core;
    private final Anchors anchors;
    private final List<MediaLoop> loops = new ArrayList<>();
    private final Map<String, MediaCall> calls = new ConcurrentHashMap<>();
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final long timeoutNanos;
    private final NodeCertificate certificate;
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger dtlsThreads = new AtomicInteger();
    private final ExecutorService dtlsExecutor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pb-media-dtls-" + dtlsThreads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final Dtmf dtmf;

    /** An engine with a fresh, unstored DTLS certificate (tests). */
    public MediaEngine(Settings settings, Calls core) throws IOException {
        this(settings, core, null);
    }

    /**
     * @param certificate the node's DTLS certificate for WebRTC legs; null: a fresh one, not stored
     */
    public MediaEngine(Settings settings, Calls core, NodeCertificate certificate) throws IOException {
        this.settings = settings;
        this.core = core;
        this.dtmf = new Dtmf(this::call, core, dtlsExecutor);
        this.certificate = certificate != null ? certificate : NodeCertificate.generate(random);
        this.anchors = new Anchors(new PortPool(settings.host(), settings.portMin(), settings.portMax()),
                settings.address());
        this.timeoutNanos = settings.timeoutSeconds() * 1_000_000_000L;
        int threads = Math.max(1, settings.threads());
        try {
            for (int i = 0; i < threads; i++) {
                loops.add(new MediaLoop("pb-media-" + (i + 1), this::checkTimeout));
            }
        } catch (IOException e) {
            loops.forEach(l -> l.stop(0));
            throw e;
        }
        loops.forEach(MediaLoop::start);
    }

    public Settings settings() {
        return settings;
    }

    /** {@link MediaHook#sdpFor}: learns {@code fromLeg}'s media, returns the SDP pointing {@code toLeg} at the node. */
    public String sdpFor(String callId, String fromLeg, String toLeg, MediaHook.Kind kind, String sdp) {
        return sdpFor(callId, fromLeg, toLeg, kind, sdp, MediaHook.Profile.UNKNOWN);
    }

    /**
     * {@link MediaHook#sdpFor} with the core's hint about {@code toLeg}: a leg whose party sent WebRTC SDP, or an
     * offer towards a leg the core knows to be a browser ({@link MediaHook.Profile#WEBRTC}), gets a WebRTC endpoint
     * and WebRTC SDP; a plain party gets plain RTP/AVP SDP, restricted to G.711 when the other side is a browser.
     */
    public String sdpFor(String callId, String fromLeg, String toLeg, MediaHook.Kind kind, String sdp,
                         MediaHook.Profile toProfile) {
        if (!settings.anchor()) {
            return sdp;
        }
        MediaDescription d = Sdp.parse(sdp);
        boolean fromWebRtc = WebRtcSdp.isWebRtc(sdp);
        WebRtcSdp.Params params = fromWebRtc ? WebRtcSdp.params(sdp) : null;
        MediaCall call = calls.computeIfAbsent(callId, id -> new MediaCall(id, loops.get(
                Math.floorMod(nextLoop.getAndIncrement(), loops.size()))));
        Endpoint from = endpoint(call, fromLeg);
        Endpoint to = endpoint(call, toLeg);
        from.describe(d);
        from.codecs(RtpMap.parse(sdp));
        if (kind == MediaHook.Kind.OFFER) {
            call.offered(fromLeg, Codecs.formats(sdp));
        }
        if (fromWebRtc) {
            webrtc(callId, from).remote(params, kind == MediaHook.Kind.OFFER);
        }
        to.peer(from);
        if (from.peer() == null) {
            from.peer(to);
        }
        call.restartClock();
        LOG.debug("call {}: {} {} from {} ({}) to {} on port {}", callId, kind, d, fromLeg, from.rtpPort(), toLeg,
                to.rtpPort());
        boolean toWebRtc = to.webrtc() != null
                || toProfile == MediaHook.Profile.WEBRTC && kind == MediaHook.Kind.OFFER && to.description() == null;
        if (!fromWebRtc && toWebRtc && kind == MediaHook.Kind.OFFER && from.sdes() == null
                && SdesLeg.offered(sdp)) {
            SdesLeg sdes = SdesLeg.fromOffer(sdp, random); // a SIP phone offers SDES to a browser: terminated here
            if (sdes != null) {
                from.sdes(sdes);
            } else {
                LOG.info("call {}: leg {} offers SDES without a usable a=crypto; it gets plain RTP", callId, fromLeg);
            }
        }
        String own = kind == MediaHook.Kind.ANSWER ? transcode(call, from, to, sdp) : null;
        if (own != null) {
            sdp = own; // the offerer is answered in its own codec, the node transcodes
        }
        if (toWebRtc) {
            WebRtcLeg w = webrtc(callId, to);
            if (kind == MediaHook.Kind.OFFER) {
                w.offering();
            }
            return WebRtcSdp.toWebRtc(sdp, w.local(settings.address(), to.rtpPort()),
                    kind == MediaHook.Kind.ANSWER ? w.offer() : null, !fromWebRtc && own == null);
        }
        String plain = fromWebRtc ? WebRtcSdp.toPlain(sdp) : sdp;
        if (kind == MediaHook.Kind.OFFER) {
            plain = Codecs.withG711(plain); // unchanged when the offer has G.711: then nothing is ever transcoded
        }
        if (fromWebRtc && to.sdes() != null) {
            plain = WebRtcSdp.withCrypto(plain, to.sdes().answerAttribute());
        }
        return Sdp.rewrite(plain, settings.address(), to.rtpPort(), to.rtpPort() + 1);
    }

    /**
     * An answer from {@code answerer} to {@code offerer}: when the answerer picked a codec the offerer did not offer
     * (the node added G.711 to an Opus-only offer, see {@link Codecs#withG711}), both directions are transcoded and
     * the SDP for the offerer is returned, rewritten to the offerer's own codec (and telephone-event when both sides
     * have it); null when the pick is one the offerer offered (relayed as is, any earlier transcoding stops).
     */
    private String transcode(MediaCall call, Endpoint answerer, Endpoint offerer, String answer) {
        List<Codecs.Format> offer = call.offered(offerer.legId());
        List<Codecs.Format> answered = Codecs.formats(answer);
        Codecs.Format pick = Codecs.firstAudio(answered);
        Codec pickCodec = pick == null ? null : Codec.of(pick.encoding(), pick.clock());
        boolean common = pick == null || offer.isEmpty()
                || offer.stream().anyMatch(f -> f.pt() == pick.pt() && f.is(pick.encoding(), pick.clock()));
        Codecs.Format theirs = null;
        Codec theirCodec = null;
        if (!common && pickCodec != null) {
            for (Codecs.Format f : offer) {
                Codec c = Codec.of(f.encoding(), f.clock());
                if (c != null && theirs == null) {
                    theirs = f;
                    theirCodec = c;
                }
            }
        }
        if (theirs == null) {
            answerer.transcoder(null);
            offerer.transcoder(null);
            return null;
        }
        Codecs.Format answerEvent = answered.stream().filter(Codecs.Format::event).findFirst().orElse(null);
        int clock = theirCodec.clock();
        Codecs.Format offerEvent = answerEvent == null ? null : offer.stream()
                .filter(f -> f.is("telephone-event", clock)).findFirst()
                .orElse(offer.stream().filter(Codecs.Format::event).findFirst().orElse(null));
        if (offerEvent != null && offerEvent.clock() != clock) {
            offerEvent = null; // an event clock unlike the audio's: the offerer gets no events
        }
        Transcoder.Side ours = new Transcoder.Side(pickCodec, pick.pt(),
                offerEvent == null ? -1 : answerEvent.pt());
        Transcoder.Side other = new Transcoder.Side(theirCodec, theirs.pt(),
                offerEvent == null ? -1 : offerEvent.pt(), Codecs.wantsInbandFec(theirs));
        Transcoder up = answerer.transcoder();
        Transcoder down = offerer.transcoder();
        if (up != null && up.from().equals(ours) && up.to().equals(other) && down != null
                && down.from().equals(other) && down.to().equals(ours)) {
            return Codecs.answerWith(answer, offerEvent == null ? List.of(theirs) : List.of(theirs, offerEvent));
        }
        answerer.transcoder(new Transcoder(ours, other, random)); // the same codecs again (re-INVITE): kept above
        offerer.transcoder(new Transcoder(other, ours, random));
        LOG.info("call {}: no common codec, transcoding {} ({}) <-> {} ({})", call.id(), pickCodec, answerer.legId(),
                theirCodec, offerer.legId());
        return Codecs.answerWith(answer, offerEvent == null ? List.of(theirs) : List.of(theirs, offerEvent));
    }

    /**
     * Terminates SDES-SRTP on leg {@code legId} whatever its peer is, as rtpengine does for an SRTP-to-RTP call: the
     * first usable {@code a=crypto} of {@code sdp} (the party's SDP) decrypts what the party sends, a fresh key of the
     * node (same tag and suite) encrypts what it gets. For the media bench's SRTP legs; SIP calls terminate SDES only
     * towards a browser (see {@link #sdpFor}).
     *
     * @return the node's attribute ({@code a=crypto:...}) for the party, or null when the call or leg does not exist
     *         or {@code sdp} has no usable {@code a=crypto}
     */
    public String terminateSdes(String callId, String legId, String sdp) {
        MediaCall call = call(callId);
        Endpoint e = call == null ? null : call.leg(legId);
        SdesLeg s = e == null || sdp == null ? null : SdesLeg.fromOffer(sdp, random);
        if (s == null) {
            return null;
        }
        e.sdes(s);
        return s.answerAttribute();
    }

    /**
     * {@link MediaHook#dtmf}: a digit a browser sent as SIP INFO goes to a plain party that negotiated
     * telephone-event and already gets media, as RFC 4733 in the stream relayed to it ({@link Dtmf}); other pairs
     * keep their INFO.
     */
    public boolean dtmf(String callId, String fromLeg, String toLeg, char digit, int durationMillis) {
        return dtmf.fromInfo(callId, fromLeg, toLeg, digit, durationMillis);
    }

    /**
     * {@link org.patchbay.api.media.MediaService#sendDtmf}: digits generated by the node towards one leg, through the
     * same path as INFO digits ({@link Dtmf}).
     *
     * @return false when no such call or leg is anchored
     * @throws IllegalArgumentException bad digits or duration
     * @throws IllegalStateException    the leg cannot take RFC 4733 now (the message says why)
     */
    public boolean sendDtmf(String callId, String legId, String digits, int durationMillis) {
        return dtmf.send(callId, legId, digits, durationMillis);
    }

    private MediaCall call(String callId) {
        return callId == null ? null : calls.get(callId);
    }

    private WebRtcLeg webrtc(String callId, Endpoint e) {
        WebRtcLeg w = e.webrtc();
        if (w == null) {
            w = new WebRtcLeg("call " + callId + " leg " + e.legId(), certificate, dtlsExecutor, random, e.rtp());
            e.webrtc(w);
        }
        return w;
    }

    private Endpoint endpoint(MediaCall call, String legId) {
        Endpoint e = call.leg(legId);
        if (e != null) {
            return e;
        }
        String callId = call.id();
        return anchors.open(call, legId, (to, digit, ms) -> dtmf.toInfo(callId, to.legId(), digit, ms));
    }

    /** {@link MediaHook#release}: closes the call's ports (on its loop thread). */
    public void release(String callId) {
        releaseCall(callId);
    }

    /**
     * {@link MediaHook#releaseCall}: each remaining leg's final statistics, taken before the ports close (on the
     * call's loop thread, later).
     */
    public List<MediaStats> releaseCall(String callId) {
        MediaCall call = callId == null ? null : calls.remove(callId);
        return call == null ? List.of() : anchors.releaseCall(call);
    }

    /**
     * {@link MediaHook#releaseLeg}: a leg that ended while its call goes on (a losing fork) loses its endpoint now;
     * legs that pointed at it (the caller hearing its early media) point at another leg that sent SDP, or nowhere.
     *
     * @return its final statistics, or null when it had no endpoint
     */
    public MediaStats releaseLeg(String callId, String legId) {
        MediaCall call = call(callId);
        return call == null ? null : anchors.releaseLeg(call, legId);
    }

    public List<MediaStats> stats(String callId) {
        MediaCall call = call(callId);
        return call == null ? List.of() : call.stats();
    }

    public int calls() {
        return calls.size();
    }

    public int endpoints() {
        return anchors.endpoints();
    }

    public int portsInUse() {
        return anchors.portsInUse();
    }

    public int portCapacity() {
        return anchors.portCapacity();
    }

    public boolean healthy() {
        return loops.stream().allMatch(MediaLoop::alive);
    }

    private void checkTimeout(MediaCall call, long now) {
        if (call.ended()) {
            return;
        }
        for (Endpoint e : call.legs()) {
            WebRtcLeg w = e.webrtc();
            if (w != null && w.consentExpired(now) && call.markEnded()) {
                LOG.info("call {}: ICE consent of leg {} expired, ending it (consent-expired)", call.id(), e.legId());
                core.end(call.id(), "consent-expired");
                return;
            }
            if (w != null && w.dtlsFailed() && call.markEnded()) {
                LOG.info("call {}: DTLS-SRTP of leg {} failed, ending it (dtls-failed)", call.id(), e.legId());
                core.end(call.id(), "dtls-failed");
                return;
            }
        }
        if (timeoutNanos == 0) {
            return;
        }
        long silent = call.silentFor(now);
        if (silent < timeoutNanos) {
            return;
        }
        if (!core.answered(call.id())) {
            call.restartClock();
            return;
        }
        if (call.markEnded()) {
            LOG.info("call {}: no media for {} s, ending it (media-timeout)", call.id(), silent / 1_000_000_000L);
            core.end(call.id(), "media-timeout");
        }
    }

    /**
     * Stops relaying: with {@code endCalls}, every anchored call is ended ({@code media-stopped}: BYE to both parties,
     * record written by the core); then the loops stop and every port is closed.
     */
    public void close(boolean endCalls) {
        anchors.close();
        List<MediaCall> live = new ArrayList<>(calls.values());
        if (endCalls && !live.isEmpty()) {
            LOG.info("media: stopping, ending {} anchored calls (media-stopped)", live.size());
        }
        for (MediaCall c : live) {
            if (endCalls && c.markEnded()) {
                try {
                    core.end(c.id(), "media-stopped");
                } catch (RuntimeException e) {
                    LOG.warn("call {}: could not be ended: {}", c.id(), e.toString());
                }
            }
        }
        loops.forEach(l -> l.stop(2000));
        for (MediaCall c : live) {
            calls.remove(c.id());
            anchors.free(c, c.endpoints());
        }
        dtlsExecutor.shutdownNow();
        dtmf.close();
    }

    @Override
    public void close() {
        close(true);
    }
}
