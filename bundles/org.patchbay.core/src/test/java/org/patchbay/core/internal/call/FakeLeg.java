package org.patchbay.core.internal.call;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.patchbay.api.call.Leg;
import org.patchbay.api.call.LegControl;
import org.patchbay.api.call.LegSignal;
import org.patchbay.api.call.Party;
import org.patchbay.api.location.Binding;

/** A leg that records what the core sends it; the test plays the party through {@link #control}. */
final class FakeLeg implements Leg {
    final Party party;
    final Binding target;
    volatile LegControl control;
    volatile Map<String, String> headers = Map.of();
    final BlockingQueue<LegSignal> received = new LinkedBlockingQueue<>();

    FakeLeg(Party party, Binding target) {
        this.party = party;
        this.target = target;
    }

    @Override
    public String adapter() {
        return target == null ? "caller-adapter" : "fake";
    }

    @Override
    public Party party() {
        return party;
    }

    @Override
    public void signal(LegSignal signal) {
        received.add(signal);
    }

    @Override
    public Map<String, String> details() {
        return Map.of("contact", target == null ? "caller" : target.contact());
    }

    /** The next signal the core sent, which must be of {@code type}. */
    <T extends LegSignal> T next(Class<T> type) {
        try {
            LegSignal s = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(s, "no signal within 5 s, expected " + type.getSimpleName());
            if (!type.isInstance(s)) {
                fail("expected " + type.getSimpleName() + ", got " + s);
            }
            return type.cast(s);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Asserts nothing more arrives within a short while. */
    void quiet() {
        try {
            LegSignal s = received.poll(100, TimeUnit.MILLISECONDS);
            if (s != null) {
                fail("unexpected signal " + s);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    void send(LegSignal s) {
        control.signal(s);
    }
}
