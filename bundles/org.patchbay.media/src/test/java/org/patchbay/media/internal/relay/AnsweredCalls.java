package org.patchbay.media.internal.relay;

/** Test calls: every call counts as answered, and the engine's requests to end one are ignored. */
final class AnsweredCalls implements MediaEngine.Calls {
    @Override
    public boolean answered(String callId) {
        return true;
    }

    @Override
    public void end(String callId, String reason) {
    }
}
