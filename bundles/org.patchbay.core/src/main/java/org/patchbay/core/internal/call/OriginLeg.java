package org.patchbay.core.internal.call;

import java.util.Map;

import org.patchbay.api.call.Leg;
import org.patchbay.api.call.LegSignal;
import org.patchbay.api.call.Party;

/**
 * The node's own side of an originated call ({@link org.patchbay.api.call.CallService#originate}) while the first
 * party rings: it has no protocol and no media of its own and ignores what the core tells it.
 */
final class OriginLeg implements Leg {
    static final String ADAPTER = "originate";

    /**
     * The offer the media engine turns into the first party's offer (a WebRTC one for a browser): G.711 and
     * telephone-event. Its address is the discard port on loopback, not 0.0.0.0: the engine keeps an unspecified
     * address as it is (hold), which would put the first party on hold; what the first party sends before the second
     * answered is relayed there and dropped.
     */
    static final String TEMPLATE_OFFER = "v=0\r\n"
            + "o=- 0 0 IN IP4 127.0.0.1\r\n"
            + "s=-\r\n"
            + "c=IN IP4 127.0.0.1\r\n"
            + "t=0 0\r\n"
            + "m=audio 9 RTP/AVP 0 8 101\r\n"
            + "a=rtpmap:0 PCMU/8000\r\n"
            + "a=rtpmap:8 PCMA/8000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\n"
            + "a=fmtp:101 0-15\r\n"
            + "a=ptime:20\r\n"
            + "a=sendrecv\r\n";

    private final Party party;

    OriginLeg(Party party) {
        this.party = party;
    }

    @Override
    public String adapter() {
        return ADAPTER;
    }

    @Override
    public Party party() {
        return party;
    }

    @Override
    public void signal(LegSignal signal) {
        // nobody to tell
    }

    @Override
    public Map<String, String> details() {
        return Map.of();
    }
}
