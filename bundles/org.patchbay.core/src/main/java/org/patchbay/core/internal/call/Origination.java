package org.patchbay.core.internal.call;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.patchbay.api.call.Originate;
import org.patchbay.api.identity.Aor;

/**
 * What a call placed by {@link org.patchbay.api.call.CallService#originate} has beyond a plain call: the request, the
 * node's own leg ({@link OriginLeg}) that calls the first party, the first party's legs once it answered and the second
 * party rings ("bridging"), and the talk-time limit. Call executor only, except {@link #callerLegs}, which listings
 * call from other threads: the origin leg is final and the first party's legs a copy-on-write list.
 */
final class Origination {
    private final Originate request;
    private final CallLeg origin;
    private final List<CallLeg> firstLegs = new CopyOnWriteArrayList<>();
    private boolean bridging;
    private Future<?> limitTimer;

    Origination(Originate request, CallLeg origin) {
        this.request = request;
        this.origin = origin;
    }

    Originate request() {
        return request;
    }

    /** The node's own side of the call, the caller until the first party answers. */
    CallLeg origin() {
        return origin;
    }

    /** True once the first party answered and the second one is called. */
    boolean bridging() {
        return bridging;
    }

    /** Extension headers for the legs rung now: the first party's, then the second party's. */
    Map<String, String> legHeaders() {
        return bridging ? request.secondHeaders() : request.firstHeaders();
    }

    /** How long a party rings: the request's ring time when it has one, else {@code configured}. */
    long ringMillis(long configured) {
        return request.ringSeconds() > 0 ? request.ringSeconds() * 1000L : configured;
    }

    /** The first party answered on one of {@code legs}: they are kept for the listings; the second party is next. */
    Aor bridge(List<CallLeg> legs) {
        firstLegs.addAll(legs);
        bridging = true;
        return request.second();
    }

    /** Both parties answered: the call is hung up with {@link Originate#TIME_LIMIT} after the request's maximum. */
    void startTimeLimit(CallManager manager, Call call) {
        if (request.maxSeconds() > 0) {
            limitTimer = manager.schedule(() -> call.execute(() -> call.hangup(Originate.TIME_LIMIT)),
                    request.maxSeconds() * 1000L);
        }
    }

    void stopTimeLimit() {
        if (limitTimer != null) {
            limitTimer.cancel(false);
            limitTimer = null;
        }
    }

    /** The caller's side in order: the node's own leg, then the first party's legs. */
    void callerLegs(Consumer<CallLeg> to) {
        to.accept(origin);
        firstLegs.forEach(to);
    }
}
