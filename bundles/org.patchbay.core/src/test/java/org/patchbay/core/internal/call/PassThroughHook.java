package org.patchbay.core.internal.call;

import org.patchbay.api.media.MediaHook;

/** A media engine that passes every SDP unchanged and holds nothing; a test overrides what it watches. */
class PassThroughHook implements MediaHook {
    @Override
    public String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp) {
        return sdp;
    }

    @Override
    public void release(String callId) {
    }
}
