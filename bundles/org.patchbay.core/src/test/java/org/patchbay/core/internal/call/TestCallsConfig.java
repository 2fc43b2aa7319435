package org.patchbay.core.internal.call;

import java.lang.annotation.Annotation;

/**
 * {@link CallManager.Config} for tests: {@link #DEFAULTS}, and a copy with one value changed per wither. The defaults are
 * the component's, except room for many calls and a malformed reject map entry next to the real one.
 */
record TestCallsConfig(int ring_timeout_seconds, int ring_timeout_code, int max_calls, int threads,
                       String[] reject_status_map) implements CallManager.Config {

    static final TestCallsConfig DEFAULTS = new TestCallsConfig(60, 480, 100_000, 2,
            new String[] {"480 4001=486", "bad entry"});

    TestCallsConfig ringSeconds(int seconds) {
        return new TestCallsConfig(seconds, ring_timeout_code, max_calls, threads, reject_status_map);
    }

    TestCallsConfig ringCode(int code) {
        return new TestCallsConfig(ring_timeout_seconds, code, max_calls, threads, reject_status_map);
    }

    TestCallsConfig maxCalls(int calls) {
        return new TestCallsConfig(ring_timeout_seconds, ring_timeout_code, calls, threads, reject_status_map);
    }

    TestCallsConfig threads(int count) {
        return new TestCallsConfig(ring_timeout_seconds, ring_timeout_code, max_calls, count, reject_status_map);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return CallManager.Config.class;
    }
}
