package org.patchbay.api.media;

/**
 * Media statistics of one leg's endpoint on the node, as seen by the relay (RTP sequence numbers and timestamps, RFC
 * 3550 A.1/A.8) and as reported by the leg's party in RTCP receiver reports.
 *
 * @param legId          the core's leg id
 * @param local          the node's RTP address for this leg ({@code host:port})
 * @param remote         where the node sends this leg's media ({@code host:port}; the latched source once one is)
 * @param latched        whether a source has been validated (symmetric RTP: the first packet's source)
 * @param direction      the leg's own SDP direction: {@code sendrecv}, {@code sendonly}, {@code recvonly}, {@code inactive}
 * @param packetsIn      RTP packets received from the party
 * @param bytesIn        RTP payload bytes received from the party (headers included)
 * @param packetsOut     RTP packets sent to the party
 * @param bytesOut       RTP bytes sent to the party
 * @param lostIn         RTP packets from the party that never arrived (expected minus received)
 * @param jitterInMs     interarrival jitter of the party's stream at the node, ms
 * @param reportedLost   cumulative loss the party reports of the stream the node sends it (RTCP), or -1
 * @param reportedJitterMs jitter the party reports (RTCP), ms, or -1
 * @param rttMs          round-trip time between node and party from RTCP SR/RR (LSR/DLSR), ms, or -1
 * @param droppedIn      packets dropped: unvalidated source, held direction or no peer
 * @param codec          the codec the party sends ({@code encoding/clock} of the last audio payload type received, else
 *                       the first one of its SDP), or empty when unknown (since 1.3)
 * @param srtp           whether media on this leg is SRTP: DTLS-SRTP (WebRTC) or SDES terminated by the node (since 1.3;
 *                       SDES that passes end to end between two phones is relayed as is and counts as false)
 */
public record MediaStats(String legId, String local, String remote, boolean latched, String direction,
                         long packetsIn, long bytesIn, long packetsOut, long bytesOut, long lostIn, double jitterInMs,
                         long reportedLost, double reportedJitterMs, double rttMs, long droppedIn, String codec,
                         boolean srtp) {

    public MediaStats {
        codec = codec == null ? "" : codec;
    }

    /** The 1.2 statistics, without codec and SRTP. */
    public MediaStats(String legId, String local, String remote, boolean latched, String direction,
                      long packetsIn, long bytesIn, long packetsOut, long bytesOut, long lostIn, double jitterInMs,
                      long reportedLost, double reportedJitterMs, double rttMs, long droppedIn) {
        this(legId, local, remote, latched, direction, packetsIn, bytesIn, packetsOut, bytesOut, lostIn, jitterInMs,
                reportedLost, reportedJitterMs, rttMs, droppedIn, "", false);
    }
}
