package org.patchbay.media.internal.relay;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.patchbay.media.internal.sdp.MediaDescription;

/**
 * The RFC 4733 events the node generates towards one party ({@code MediaService.sendDtmf}, SIP INFO digits from a
 * browser): packets that continue the stream its endpoint sends to the party (SSRC, sequence numbers, timestamps),
 * in the payload type and clock the party negotiated for telephone-event. Sending runs on the call's loop thread
 * only; the checks ({@link #refusal}, {@link #takesEvents}) read the endpoint's volatile state from any thread.
 */
final class EventGenerator {
    private final Endpoint to;
    private int nextEventTs;   // loop thread: the earliest RTP timestamp a new event may take (after the last one)
    private boolean eventsSent; // loop thread

    EventGenerator(Endpoint to) {
        this.to = to;
    }

    /** Whether the node can insert INFO digits as RFC 4733 towards this plain party that already gets media. */
    boolean takesEvents() {
        return to.webrtc() == null && refusal() == null && to.packetsOut() > 0;
    }

    /**
     * Why the node cannot send RFC 4733 events to this party now, or null when it can: it must have sent SDP that
     * receives and negotiates telephone-event, and a WebRTC party must have DTLS-SRTP up.
     */
    String refusal() {
        MediaDescription d = to.description();
        WebRtcLeg w = to.webrtc();
        if (d == null) {
            return "its party has sent no SDP yet";
        }
        if (d.eventType() < 0) {
            return w != null ? "the browser did not negotiate telephone-event (RFC 4733), so it cannot take generated "
                    + "DTMF; nothing was sent" : "its party did not negotiate telephone-event (RFC 4733)";
        }
        if (d.port() == 0 || !d.receives()) {
            return "its party receives no media (on hold, inactive or rejected)";
        }
        if (w != null && !w.secured()) {
            return "DTLS-SRTP with the browser is not established yet";
        }
        return null;
    }

    /** The RTP clock rate of this party's telephone-event (8000 when the SDP gives none). */
    int clock() {
        MediaDescription d = to.description();
        int c = d == null || d.eventType() < 0 ? 0 : d.clock(d.eventType());
        return c > 0 ? c : 8000;
    }

    /**
     * The RTP timestamp for an event the node starts now (loop thread): the frame (20 ms) after the last packet sent,
     * and after the end of the last event the node generated.
     */
    int nextTimestamp() {
        int ts = to.lastTimestampOut() + clock() / 50;
        return eventsSent && ts - nextEventTs < 0 ? nextEventTs : ts;
    }

    /**
     * Sends one RFC 4733 packet (loop thread) into the stream towards this party, in the relayed stream's SSRC and
     * sequence space (later relayed packets are renumbered after it); SRTP-protected on WebRTC and SDES legs.
     *
     * @param start    the event's first packet: RTP marker bit set
     * @param end      an end packet (E bit)
     * @param duration in units of the telephone-event clock
     */
    void send(int event, boolean start, boolean end, int duration, int timestamp) {
        MediaDescription d = to.description();
        WebRtcLeg w = to.webrtc();
        InetSocketAddress latched = to.latchedRtp();
        InetSocketAddress target = w != null ? w.target() : latched != null ? latched : d == null ? null : d.rtp();
        if (d == null || d.eventType() < 0 || target == null) {
            return;
        }
        if (end) {
            nextEventTs = timestamp + duration + clock() / 50;
            eventsSent = true;
        }
        ByteBuffer p = ByteBuffer.allocate(16); // sequence number and SSRC: written by the endpoint
        p.put((byte) 0x80).put((byte) ((start ? 0x80 : 0) | d.eventType())).putShort((short) 0)
                .putInt(timestamp).putInt(0).put((byte) event).put((byte) ((end ? 0x80 : 0) | 10))
                .putShort((short) Math.min(duration, 0xffff)).flip();
        to.sendInStream(p, 16, w, target);
    }
}
