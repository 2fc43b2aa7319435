package org.patchbay.core.internal.call;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.patchbay.api.call.Leg;
import org.patchbay.api.call.LegFactory;
import org.patchbay.api.call.LegSignal;
import org.patchbay.api.call.Party;
import org.patchbay.api.location.Binding;
import org.patchbay.api.media.MediaHook;
import org.patchbay.api.media.MediaUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outgoing legs of a call, one per binding of the callee, rung in parallel, and the statuses of those that failed.
 * A binding that cannot be rung (no factory for its adapter, no media, the adapter failing) is skipped with one WARN
 * line. Call executor only, except iterating the legs: they are a copy-on-write list, so listings may read them from
 * other threads.
 */
final class Forks implements Iterable<CallLeg> {
    private static final Logger LOG = LoggerFactory.getLogger(Forks.class);

    private final Call call;
    private final CallManager manager;
    private final CallMedia media;
    private final Party callerParty;
    private final int hops;
    private final List<CallLeg> legs = new CopyOnWriteArrayList<>();
    private final List<Integer> failures = new ArrayList<>();
    private boolean mediaRefused;

    /** {@code hops} is what the call arrived with: each leg's Connect carries one less. */
    Forks(Call call, CallManager manager, CallMedia media, Party callerParty, int hops) {
        this.call = call;
        this.manager = manager;
        this.media = media;
        this.callerParty = callerParty;
        this.hops = hops;
    }

    /**
     * Opens a leg to {@code binding} and sends it Connect with the offer the media engine made for it from
     * {@code offer} (sent by {@code caller}).
     */
    void ring(Binding binding, CallLeg caller, Party callee, String offer, Map<String, String> headers) {
        LegFactory factory = manager.factory(binding.adapter());
        if (factory == null) {
            LOG.warn("call {}: no leg factory for adapter '{}' of {}; skipped", call.id(), binding.adapter(),
                    binding.contact());
            return;
        }
        CallLeg leg = new CallLeg(call, call.nextLegId(), CallLeg.Role.CALLEE, null, binding, binding.adapter(), callee);
        String connectSdp;
        try {
            connectSdp = media.strictSdp(caller, leg, MediaHook.Kind.OFFER, offer);
        } catch (MediaUnavailableException e) {
            LOG.warn("call {}: no media for a leg to {}: {}; skipped", call.id(), binding.contact(), e.getMessage());
            mediaRefused = true;
            return;
        }
        try {
            Leg created = factory.create(binding, callerParty, callee, leg, headers);
            if (created == null) {
                return;
            }
            leg.attach(created);
        } catch (RuntimeException e) {
            LOG.warn("call {}: adapter '{}' could not create a leg to {}: {}", call.id(), binding.adapter(),
                    binding.contact(), e.toString());
            return;
        }
        legs.add(leg);
        manager.legStarted();
        leg.state("connecting");
        leg.send(new LegSignal.Connect(connectSdp, hops - 1));
    }

    @Override
    public Iterator<CallLeg> iterator() {
        return legs.iterator();
    }

    boolean isEmpty() {
        return legs.isEmpty();
    }

    /** True when some binding was skipped because the media engine had no endpoint for it. */
    boolean mediaRefused() {
        return mediaRefused;
    }

    /** A leg failed with {@code code} (a leg lost before answering counts as 408). */
    void failed(int code) {
        failures.add(code);
    }

    /** True while some leg has not finished. */
    boolean ringing() {
        return legs.stream().anyMatch(l -> !l.done());
    }

    /** The caller's status once every leg failed ({@link Outcome#select}). */
    int outcome() {
        return Outcome.select(failures);
    }

    /** True when every leg was lost or timed out rather than answered with a failure. */
    boolean allTimedOut() {
        return failures.stream().allMatch(c -> c == 408);
    }

    /** The legs rung so far. */
    List<CallLeg> legs() {
        return List.copyOf(legs);
    }

    /** Forgets the legs and their failures: the call rings another destination. */
    void clear() {
        legs.clear();
        failures.clear();
    }
}
