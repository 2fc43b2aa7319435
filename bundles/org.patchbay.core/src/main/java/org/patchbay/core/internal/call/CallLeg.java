package org.patchbay.core.internal.call;

import java.util.Map;

import org.patchbay.api.call.CallInfo;
import org.patchbay.api.call.CallRecord;
import org.patchbay.api.call.Leg;
import org.patchbay.api.call.LegControl;
import org.patchbay.api.call.LegSignal;
import org.patchbay.api.call.Party;
import org.patchbay.api.location.Binding;
import org.patchbay.api.media.MediaHook;

/**
 * The core's side of one leg: what the adapter reports goes onto the call's executor. Once the core has finished the
 * leg (it sent the leg its last signal, or the leg reported its end), later reports are ignored: the adapter owns the
 * protocol clean-up from there (a SIP leg that gets a 200 after its CANCEL acknowledges and hangs up by itself).
 */
final class CallLeg implements LegControl {

    enum Role { CALLER, CALLEE }

    private final Call call;
    private final String id;
    private final Role role;
    private final Binding target;
    private volatile Leg leg;
    private volatile String state;
    private volatile String outcome = "";
    private CallRecord.LegMedia media;
    private volatile boolean done;
    private final String adapter;
    private final Party party;

    /**
     * The media profile of this leg's party before it sent SDP: a callee reached over ws/wss (RFC 7118) is a browser
     * (WebRTC), another callee plain RTP; the caller's profile is in its own SDP.
     */
    MediaHook.Profile mediaProfile() {
        if (target == null) {
            return MediaHook.Profile.UNKNOWN;
        }
        String t = target.transport();
        return "ws".equalsIgnoreCase(t) || "wss".equalsIgnoreCase(t) ? MediaHook.Profile.WEBRTC : MediaHook.Profile.RTP;
    }

    CallLeg(Call call, String id, Role role, Leg leg, Binding target, String adapter, Party party) {
        this.call = call;
        this.id = id;
        this.role = role;
        this.leg = leg;
        this.target = target;
        this.adapter = adapter;
        this.party = party;
        this.state = role == Role.CALLER ? "calling" : "idle";
    }

    @Override
    public String legId() {
        return id;
    }

    @Override
    public String callId() {
        return call.id();
    }

    @Override
    public void signal(LegSignal signal) {
        if (signal != null && !done) {
            call.execute(() -> call.fromLeg(this, signal));
        }
    }

    @Override
    public void lost(String reason) {
        if (!done) {
            call.execute(() -> call.legLost(this, reason == null ? "lost" : reason));
        }
    }

    /** Sends a signal to the party; a throwing adapter counts as a lost leg. Call executor only. */
    void send(LegSignal signal) {
        if (!done) {
            deliver(signal);
        }
    }

    /** Sends the last signal of a leg the core has already finished (the caller's final answer). */
    void deliver(LegSignal signal) {
        Leg l = leg;
        if (l == null) {
            return;
        }
        try {
            l.signal(signal);
        } catch (RuntimeException e) {
            call.execute(() -> call.legLost(this, "adapter failed: " + e));
        }
    }

    void attach(Leg l) {
        this.leg = l;
    }

    String id() {
        return id;
    }

    Role role() {
        return role;
    }

    Binding target() {
        return target;
    }

    String adapter() {
        return adapter;
    }

    boolean done() {
        return done;
    }

    String state() {
        return state;
    }

    void state(String s) {
        this.state = s;
    }

    /** Marks the leg finished with an outcome; returns false when it already was. Call executor only. */
    boolean finish(String result) {
        if (done) {
            return false;
        }
        done = true;
        outcome = result;
        state = "ended";
        return true;
    }

    CallInfo.LegInfo info() {
        Leg l = leg;
        Map<String, String> details;
        try {
            details = l == null ? Map.of() : l.details();
        } catch (RuntimeException e) {
            details = Map.of();
        }
        return new CallInfo.LegInfo(id, adapter, party, state, details == null ? Map.of() : details);
    }

    /** The leg's final media statistics, once the media engine released its endpoint. Call executor only. */
    void media(CallRecord.LegMedia m) {
        if (m != null) {
            media = m;
        }
    }

    CallRecord.LegRecord record() {
        return new CallRecord.LegRecord(id, adapter, party.label(), role == Role.CALLER ? "caller" : "callee", outcome,
                media);
    }
}
