package org.patchbay.core.internal.call;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.patchbay.api.call.CallInfo;
import org.patchbay.api.call.CallRecord;
import org.patchbay.api.call.Leg;
import org.patchbay.api.call.LegSignal;
import org.patchbay.api.call.Originate;
import org.patchbay.api.call.Party;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.User;
import org.patchbay.api.location.Binding;
import org.patchbay.api.media.MediaHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call: the caller's leg, one outgoing leg per binding of the callee ({@link Forks}), and the rules between them.
 * Its media go through {@link CallMedia}, re-INVITE/UPDATE and INFO of the answered call through
 * {@link MidSessionRelay}, and an originated call keeps what it adds in {@link Origination}. Every method that changes
 * state runs on the call's own serial executor; the few fields other threads read for listings are volatile.
 */
final class Call {
    static final int COMPLETED_ELSEWHERE_CAUSE = 200;
    static final String COMPLETED_ELSEWHERE = "Call completed elsewhere";

    private static final Logger LOG = LoggerFactory.getLogger(Call.class);
    private static final java.util.regex.Pattern RECORD_TOKEN = java.util.regex.Pattern.compile("(?=.{3,32}$)[a-z][a-z0-9]*(-[a-z0-9]+)+");

    enum State { ROUTING, RINGING, ANSWERED, ENDED }

    private final CallManager manager;
    private final String id;
    private final Executor executor;
    private Aor destination;
    private String offer;
    private final int hops;
    private final Instant started;
    private final CallMedia media;
    private volatile CallLeg caller;
    private final Party callerParty;
    private final Forks callees;
    /** Originated calls only, else null. */
    private final Origination origination;
    private final AtomicInteger legNumbers = new AtomicInteger();
    private volatile Party callee;
    private volatile State state = State.ROUTING;
    private volatile Instant answered;
    private boolean ringingPosted;
    private CallLeg winner;
    private Future<?> ringTimer;
    private final MidSessionRelay relay;

    Call(CallManager manager, String id, Leg callerLeg, Aor destination, String offer, int hops, Instant started) {
        this(manager, id, callerLeg, destination, offer, hops, started, null);
    }

    /**
     * An originated call: the caller is the node itself ({@link OriginLeg}), offering {@link OriginLeg#TEMPLATE_OFFER}
     * for the media engine to turn into the first party's offer.
     */
    Call(CallManager manager, String id, Originate request, Instant started) {
        this(manager, id, new OriginLeg(request.presented()), request.first(), OriginLeg.TEMPLATE_OFFER,
                LegSignal.Connect.DEFAULT_HOPS, started, request);
    }

    private Call(CallManager manager, String id, Leg callerLeg, Aor destination, String offer, int hops,
                 Instant started, Originate originate) {
        this.manager = manager;
        this.id = id;
        this.executor = manager.serialExecutor();
        this.destination = destination;
        this.offer = offer;
        this.hops = hops;
        this.started = started;
        this.media = new CallMedia(id, manager::mediaHook);
        this.relay = new MidSessionRelay(media);
        this.callee = Party.of(destination);
        this.callerParty = callerLeg.party();
        this.callees = new Forks(this, manager, media, callerParty, hops);
        this.caller = new CallLeg(this, nextLegId(), CallLeg.Role.CALLER, callerLeg, null, callerLeg.adapter(),
                callerLeg.party());
        this.origination = originate == null ? null : new Origination(originate, caller);
    }

    String id() {
        return id;
    }

    CallLeg caller() {
        return caller;
    }

    void execute(Runnable task) {
        executor.execute(task);
    }

    String nextLegId() {
        return id + "." + legNumbers.incrementAndGet();
    }

    /** True while an originated call's second party is called: its first party has answered. */
    private boolean bridging() {
        return origination != null && origination.bridging();
    }

    // --- routing -------------------------------------------------------------------------------------------------

    /** Finds the callee's bindings and rings them all. */
    void route() {
        if (state != State.ROUTING) {
            return;
        }
        if (hops <= 0) {
            failCall(483, "rejected", "system");
            return;
        }
        Optional<User> user;
        try {
            user = manager.directory().find(destination);
        } catch (RuntimeException e) {
            LOG.warn("call {}: directory lookup of {} failed: {}", id, destination, e.getMessage());
            failCall(500, "failed", "system");
            return;
        }
        if (user.isEmpty()) {
            failCall(404, "not-found", "system");
            return;
        }
        callee = new Party(destination, "sip:" + destination, user.get().displayName());
        List<Binding> bindings = manager.bindings(destination);
        if (bindings.isEmpty()) {
            failCall(480, "unavailable", "system");
            return;
        }
        state = State.RINGING;
        for (Binding b : bindings) {
            callees.ring(b, caller, callee, offer, origination == null ? Map.of() : origination.legHeaders());
        }
        if (callees.isEmpty()) {
            boolean noMedia = callees.mediaRefused();
            failCall(noMedia ? 503 : 480, noMedia ? "failed" : "unavailable", "system");
            return;
        }
        long configured = manager.settings().ringTimeoutMillis();
        long ring = origination == null ? configured : origination.ringMillis(configured);
        ringTimer = manager.schedule(() -> execute(this::ringTimeout), ring);
    }

    // --- signals from legs ---------------------------------------------------------------------------------------

    void fromLeg(CallLeg from, LegSignal s) {
        if (from.done() || state == State.ENDED) {
            return;
        }
        if (origination != null && from == origination.origin()) {
            return; // the node's own side of an originated call says nothing
        }
        if (from == caller) {
            fromCaller(s);
        } else {
            fromCallee(from, s);
        }
    }

    private void fromCaller(LegSignal s) {
        boolean giveUp = s instanceof LegSignal.Cancel || s instanceof LegSignal.Hangup;
        if (giveUp && state != State.ANSWERED) {
            cancelCallees(0, "");
            finishLeg(caller, "cancelled");
            end(487, "cancelled", "caller", bridging() ? null : new LegSignal.Reject(487, Outcome.phrase(487)));
        } else if (s instanceof LegSignal.Hangup h) {
            winner.send(new LegSignal.Hangup(h.cause(), h.text()));
            finishLeg(winner, "answered");
            finishLeg(caller, "hung up");
            end(200, "normal", "caller", null);
        } else if (s instanceof LegSignal.Confirm c && winner != null) {
            winner.send(new LegSignal.Confirm(media.sdp(caller, winner, MediaHook.Kind.ANSWER, c.sdp())));
        } else if (!(s instanceof LegSignal.Cancel)) {
            // a CANCEL that crossed the answer changes nothing (RFC 3261 §9.2)
            midSession(caller, s);
        }
    }

    private void fromCallee(CallLeg from, LegSignal s) {
        if (s instanceof LegSignal.Progress p) {
            if (state == State.RINGING) {
                from.state("ringing");
                if (!bridging()) {
                    caller.state("ringing");
                }
                if (!ringingPosted) {
                    ringingPosted = true;
                    manager.ringing(this);
                }
                if (!bridging()) { // the first party of an originated call has answered already: no early media to it
                    caller.send(new LegSignal.Progress(p.code(), p.reason(),
                            media.sdp(from, caller, MediaHook.Kind.ANSWER, p.sdp())));
                }
            }
        } else if (s instanceof LegSignal.Answer a) {
            answer(from, a);
        } else if (s instanceof LegSignal.Reject r) {
            // reject.status.map: e.g. the Exotel WebSDK's "480 4001" (busy in another call) counts as 486
            int code = manager.settings().rejectMap().map(r.code(), r.reason());
            finishLeg(from, code == 486 || code == 600 ? "busy" : "rejected " + code);
            callees.failed(code);
            allFailed();
        } else if (s instanceof LegSignal.Hangup h) {
            if (from == winner) {
                caller.send(new LegSignal.Hangup(h.cause(), h.text()));
                finishLeg(winner, "answered");
                finishLeg(caller, "hung up by callee");
                end(200, "normal", "callee", null);
            }
        } else {
            midSession(from, s);
        }
    }

    private void answer(CallLeg from, LegSignal.Answer a) {
        if (state != State.RINGING) {
            // a second 200 raced the first: that leg's adapter is told to go away
            from.send(new LegSignal.Hangup(COMPLETED_ELSEWHERE_CAUSE, COMPLETED_ELSEWHERE));
            finishLeg(from, "completed elsewhere");
            return;
        }
        cancelTimer();
        if (origination != null && !origination.bridging()) {
            bridge(from, a);
            return;
        }
        winner = from;
        state = State.ANSWERED;
        answered = manager.now();
        from.state("answered");
        caller.state("answered");
        for (CallLeg other : callees) {
            if (other != from && !other.done()) {
                other.send(new LegSignal.Cancel(COMPLETED_ELSEWHERE_CAUSE, COMPLETED_ELSEWHERE));
                finishLeg(other, "completed elsewhere");
            }
        }
        if (bridging()) {
            // both parties of an originated call answered: the media engine learns the second one's answer and pairs
            // the two endpoints; the second party gets its ACK from here, the first one has had its own
            media.sdp(from, caller, MediaHook.Kind.ANSWER, a.sdp());
            from.send(new LegSignal.Confirm(null));
            origination.startTimeLimit(manager, this);
        } else {
            caller.send(new LegSignal.Answer(media.sdp(from, caller,
                    offer == null ? MediaHook.Kind.OFFER : MediaHook.Kind.ANSWER, a.sdp())));
        }
        manager.answered(this);
    }

    /**
     * The first party of an originated call answered: its other devices stop ringing, the answer is acknowledged, and
     * the call goes on as a call from that leg (its answer is the offer's source for the second party) to the second
     * party. From here on the first party's leg is the caller; it is answered, so a failure towards it is a hang-up.
     */
    private void bridge(CallLeg first, LegSignal.Answer a) {
        for (CallLeg other : callees) {
            if (other != first && !other.done()) {
                other.send(new LegSignal.Cancel(COMPLETED_ELSEWHERE_CAUSE, COMPLETED_ELSEWHERE));
                finishLeg(other, "completed elsewhere");
            }
        }
        media.sdp(first, caller, MediaHook.Kind.ANSWER, a.sdp()); // the media engine learns the first party's answer
        first.send(new LegSignal.Confirm(null));
        first.state("answered");
        finishLeg(origination.origin(), "bridged");
        destination = origination.bridge(callees.legs());
        callees.clear();
        caller = first;
        offer = a.sdp();
        callee = Party.of(destination);
        state = State.ROUTING;
        LOG.debug("call {}: {} answered, calling {}", id, origination.request().first(), destination);
        route();
    }

    private void allFailed() {
        if (state != State.RINGING || callees.ringing()) {
            return;
        }
        int code = callees.outcome();
        failCall(code, Outcome.reason(code), callees.allTimedOut() ? "system" : "callee");
    }

    /** Re-INVITE/UPDATE and INFO, and their answers, between the two legs of an answered call. */
    private void midSession(CallLeg from, LegSignal s) {
        CallLeg to = state != State.ANSWERED ? null : from == caller ? winner : caller;
        if (s instanceof LegSignal.Confirm c && to != null && from == winner) {
            // ACK from the callee side never happens in SIP; other protocols may confirm a late offer this way
            caller.send(new LegSignal.Confirm(media.sdp(from, caller, MediaHook.Kind.ANSWER, c.sdp())));
        } else {
            relay.relay(from, to, s);
        }
    }

    /** INFO from the node itself (CallService.info) to one leg of the answered call; its answer is dropped. */
    void info(String legId, String contentType, byte[] body) {
        CallLeg to = caller.id().equals(legId) ? caller : winner != null && winner.id().equals(legId) ? winner : null;
        if (state != State.ANSWERED || to == null || to.done()) {
            LOG.debug("call {}: INFO for leg {} not sent (no such answered leg)", id, legId);
            return;
        }
        relay.nodeInfo(to, contentType, body);
    }

    void legLost(CallLeg leg, String reason) {
        if (leg.done() || state == State.ENDED) {
            return;
        }
        LOG.info("call {}: leg {} lost: {}", id, leg.id(), reason);
        if (leg == caller) {
            finishLeg(caller, "lost: " + reason);
            if (state == State.ANSWERED) {
                winner.send(new LegSignal.Hangup(0, reason));
                finishLeg(winner, "answered");
            } else {
                cancelCallees(0, reason);
            }
            end(state == State.ANSWERED ? 200 : 487, "lost", "caller", null);
        } else if (leg == winner) {
            finishLeg(winner, "lost: " + reason);
            caller.send(new LegSignal.Hangup(0, reason));
            finishLeg(caller, "hung up by system");
            end(200, "lost", "callee", null);
        } else {
            finishLeg(leg, "lost: " + reason);
            callees.failed(408);
            allFailed();
        }
    }

    void ringTimeout() {
        if (state != State.RINGING) {
            return;
        }
        LOG.debug("call {}: no answer within the ring timeout", id);
        cancelCallees(0, "no answer");
        int code = manager.settings().ringTimeoutCode();
        finishLeg(caller, "no answer");
        end(code, "no-answer", "system", new LegSignal.Reject(code, code == 480 ? "No Answer" : Outcome.phrase(code)));
    }

    /**
     * Administrative end: BYE to both sides of an answered call, else CANCEL the callees and 487 to the caller. A reason
     * that is a hyphenated record token ({@code media-timeout}, {@code media-stopped}) becomes the record's end reason,
     * anything else is recorded as {@code admin}.
     */
    void hangup(String reason) {
        if (state == State.ENDED) {
            return;
        }
        String text = reason == null || reason.isBlank() ? "admin" : reason;
        String recorded = RECORD_TOKEN.matcher(text).matches() ? text : "admin";
        if (state == State.ANSWERED) {
            winner.send(new LegSignal.Hangup(0, text));
            caller.send(new LegSignal.Hangup(0, text));
            finishLeg(winner, "answered");
            finishLeg(caller, "answered");
            end(200, recorded, "system", null);
        } else {
            cancelCallees(0, text);
            finishLeg(caller, "cancelled by system");
            end(487, recorded, "system", new LegSignal.Reject(487, Outcome.phrase(487)));
        }
    }

    /** The adapter of these legs went away: treat them as lost. */
    void adapterGone(String adapter) {
        if (caller.adapter().equals(adapter)) {
            legLost(caller, "adapter " + adapter + " stopped");
        }
        for (CallLeg l : callees) {
            if (l.adapter().equals(adapter)) {
                legLost(l, "adapter " + adapter + " stopped");
            }
        }
    }

    // --- ending ---------------------------------------------------------------------------------------------------

    private void failCall(int code, String reason, String endedBy) {
        cancelCallees(0, "");
        finishLeg(caller, "rejected " + code);
        end(code, reason, endedBy, new LegSignal.Reject(code, Outcome.phrase(code)));
    }

    private void cancelCallees(int cause, String text) {
        cancelTimer();
        for (CallLeg l : callees) {
            if (!l.done()) {
                l.send(new LegSignal.Cancel(cause, text));
                finishLeg(l, "cancelled");
            }
        }
    }

    private void finishLeg(CallLeg leg, String outcome) {
        if (leg.finish(outcome) && leg.role() == CallLeg.Role.CALLEE) {
            manager.legEnded();
            if (leg != winner) {
                leg.media(media.releaseLeg(leg.id())); // a losing fork: its ports go back now
            }
        }
    }

    private void end(int code, String reason, String endedBy, LegSignal toCaller) {
        if (state == State.ENDED) {
            return;
        }
        cancelTimer();
        if (origination != null) {
            origination.stopTimeLimit();
        }
        if (bridging() && toCaller instanceof LegSignal.Reject r) {
            toCaller = new LegSignal.Hangup(0, r.reason()); // the first party of an originated call has answered
        }
        if (toCaller != null) {
            caller.deliver(toCaller);
        }
        for (CallLeg l : callees) {
            finishLeg(l, "ended");
        }
        state = State.ENDED;
        if (origination != null) {
            finishLeg(origination.origin(), "ended");
        }
        // the engine's last statistics of every leg it still holds, taken as it releases the call's ports
        Map<String, CallRecord.LegMedia> stats = media.releaseCall();
        legs(caller, l -> l.media(stats.get(l.id())));
        List<CallRecord.LegRecord> legs = new ArrayList<>();
        legs(caller, l -> legs.add(l.record()));
        String from = origination != null ? origination.request().first().toString() : callerParty.label();
        String to = origination != null ? origination.request().second().toString() : callee.label();
        CallRecord record = new CallRecord(id, from, to, legs, started, answered, manager.now(), reason, endedBy, code);
        manager.ended(this, record);
    }

    private void cancelTimer() {
        Future<?> t = ringTimer;
        if (t != null) {
            t.cancel(false);
            ringTimer = null;
        }
    }

    // --- listings ---------------------------------------------------------------------------------------------------

    /** Every leg in order: the caller (an originated call: the node's side, then the first party's legs), callees. */
    private void legs(CallLeg currentCaller, java.util.function.Consumer<CallLeg> to) {
        if (origination != null) {
            origination.callerLegs(to);
        } else {
            to.accept(currentCaller);
        }
        callees.forEach(to);
    }

    CallInfo info() {
        List<CallInfo.LegInfo> legs = new ArrayList<>();
        legs(caller, l -> legs.add(l.info()));
        return new CallInfo(id, callerParty, callee, state.name().toLowerCase(java.util.Locale.ROOT), started,
                answered, legs);
    }
}
