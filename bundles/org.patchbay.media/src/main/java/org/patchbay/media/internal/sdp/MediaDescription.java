package org.patchbay.media.internal.sdp;

import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * What the relay needs from one party's SDP: where the party receives the first audio stream (RTP and RTCP), whether
 * it multiplexes RTCP on the RTP port, its direction and the clock rate of each payload type.
 *
 * @param address   the connection address, or null when the party names none or holds with {@code 0.0.0.0}
 * @param port      the audio RTP port, 0 when the stream is rejected or absent
 * @param rtcpPort  the RTCP port ({@code a=rtcp} or port + 1)
 * @param rtcpHost  the RTCP address from {@code a=rtcp}, or the connection address
 * @param mux       {@code a=rtcp-mux} present
 * @param direction the party's direction; {@code c=0.0.0.0} (RFC 2543 hold) turns receiving off
 * @param clocks    clock rate per payload type 0..127 (0 when unknown)
 * @param eventType  the first telephone-event payload type, or -1
 * @param eventTypes every telephone-event payload type: a browser offers telephone-event/48000 and /8000 and Chromium
 *                   sends its digits with either (seen: /8000 on an Opus call)
 */
public record MediaDescription(String address, int port, int rtcpPort, String rtcpHost, boolean mux,
                               Direction direction, int[] clocks, int eventType, int[] eventTypes) {

    public MediaDescription {
        clocks = clocks.clone();
        eventTypes = eventTypes.clone();
    }

    /** A description whose only telephone-event payload type is {@code eventType} (-1: none). */
    public MediaDescription(String address, int port, int rtcpPort, String rtcpHost, boolean mux, Direction direction,
                            int[] clocks, int eventType) {
        this(address, port, rtcpPort, rtcpHost, mux, direction, clocks, eventType,
                eventType < 0 ? new int[0] : new int[] {eventType});
    }

    @Override
    public int[] eventTypes() {
        return eventTypes.clone();
    }

    /** Whether {@code pt} is one of the party's telephone-event payload types. */
    public boolean event(int pt) {
        for (int e : eventTypes) {
            if (e == pt) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int[] clocks() {
        return clocks.clone();
    }

    /** Clock rate of payload type {@code pt}, 8000 when the SDP did not say. */
    public int clock(int pt) {
        int c = pt >= 0 && pt < clocks.length ? clocks[pt] : 0;
        return c > 0 ? c : 8000;
    }

    /** Where the party receives RTP, or null when nothing should be sent to it. */
    public InetSocketAddress rtp() {
        return address == null || port == 0 ? null : new InetSocketAddress(address, port);
    }

    /** Where the party receives RTCP, or null. */
    public InetSocketAddress rtcp() {
        return rtcpHost == null || port == 0 ? null : new InetSocketAddress(rtcpHost, mux ? port : rtcpPort);
    }

    /** Whether the party sends media (its direction allows it and the stream is not rejected). */
    public boolean sends() {
        return port != 0 && direction.sends();
    }

    /** Whether the party wants media (direction, not held with 0.0.0.0, stream not rejected). */
    public boolean receives() {
        return port != 0 && address != null && direction.receives();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MediaDescription m && java.util.Objects.equals(address, m.address) && port == m.port
                && rtcpPort == m.rtcpPort && java.util.Objects.equals(rtcpHost, m.rtcpHost) && mux == m.mux
                && direction == m.direction && Arrays.equals(clocks, m.clocks) && eventType == m.eventType
                && Arrays.equals(eventTypes, m.eventTypes);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(address, port, rtcpPort, direction) * 31 + Arrays.hashCode(clocks);
    }

    @Override
    public String toString() {
        return "audio " + address + ":" + port + " rtcp " + rtcpHost + ":" + rtcpPort + (mux ? " mux " : " ") + direction;
    }
}
