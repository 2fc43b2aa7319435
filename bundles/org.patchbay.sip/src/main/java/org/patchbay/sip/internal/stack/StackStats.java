package org.patchbay.sip.internal.stack;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the running stack, for {@code pb:sip} and the health detail. */
public final class StackStats {

    final LongAdder requests = new LongAdder();
    final LongAdder responses = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder handlerErrors = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder ioErrors = new LongAdder();

    public long requests() {
        return requests.sum();
    }

    public long responses() {
        return responses.sum();
    }

    /** Requests dropped silently: admission refused, ACK without handler, retransmissions. */
    public long dropped() {
        return dropped.sum();
    }

    /** Requests answered 4xx by the stack itself (405, 481, 483, 400, 415, 420, 505…). */
    public long rejected() {
        return rejected.sum();
    }

    public long handlerErrors() {
        return handlerErrors.sum();
    }

    public long timeouts() {
        return timeouts.sum();
    }

    public long ioErrors() {
        return ioErrors.sum();
    }

    @Override
    public String toString() {
        return "requests=" + requests() + " responses=" + responses() + " rejected=" + rejected() + " dropped="
                + dropped() + " handlerErrors=" + handlerErrors() + " timeouts=" + timeouts() + " ioErrors=" + ioErrors();
    }
}
