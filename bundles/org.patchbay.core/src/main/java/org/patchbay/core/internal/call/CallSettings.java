package org.patchbay.core.internal.call;

/**
 * One reading of the {@code org.patchbay.core.calls} configuration ({@link CallManager.Config}) in the units the calls
 * use. Immutable: a configuration change replaces the whole snapshot.
 *
 * @param ringTimeoutMillis how long the callee's devices ring
 * @param ringTimeoutCode   the caller's status when nobody answered: 408 when configured so, else 480
 * @param maxCalls          further calls are refused
 * @param threads           signalling threads, at least 1
 * @param rejectMap         callee rejections counted as another status
 */
record CallSettings(long ringTimeoutMillis, int ringTimeoutCode, int maxCalls, int threads, RejectStatusMap rejectMap) {

    static CallSettings of(CallManager.Config config) {
        return new CallSettings(config.ring_timeout_seconds() * 1000L, config.ring_timeout_code() == 408 ? 408 : 480,
                config.max_calls(), Math.max(1, config.threads()), RejectStatusMap.parse(config.reject_status_map()));
    }
}
