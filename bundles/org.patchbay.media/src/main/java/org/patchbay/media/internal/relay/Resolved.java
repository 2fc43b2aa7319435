package org.patchbay.media.internal.relay;

import java.net.InetSocketAddress;

import org.patchbay.media.internal.sdp.MediaDescription;

/**
 * The party's SDP as the packet path uses it, resolved once per SDP instead of per packet: where it receives RTP
 * and RTCP (addresses built once, not per packet) and the clock rate of every payload type (8000 when unknown).
 */
record Resolved(InetSocketAddress rtp, InetSocketAddress rtcp, int[] clocks, int reportClock) {
    static final Resolved NONE = new Resolved(null, null, null, 8000);

    static Resolved of(MediaDescription d) {
        int[] c = d.clocks();
        int report = 0;
        for (int pt = 0; pt < c.length; pt++) {
            if (report == 0 && c[pt] > 0 && pt != d.eventType()) {
                report = c[pt]; // the first audio payload type's clock: RTCP jitter is in its units
            }
            if (c[pt] <= 0) {
                c[pt] = 8000;
            }
        }
        return new Resolved(d.rtp(), d.rtcp(), c, report > 0 ? report : c.length > 0 ? c[0] : 8000);
    }

    int clock(int pt) {
        return clocks == null || pt >= clocks.length ? 8000 : clocks[pt];
    }
}
