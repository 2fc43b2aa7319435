package org.patchbay.media.internal.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ThreadLocalRandom;

import org.patchbay.api.media.MediaStats;
import org.patchbay.media.internal.codec.Transcoder;
import org.patchbay.media.internal.sdp.MediaDescription;

/**
 * The node's RTP/RTCP port pair for one leg. The leg's SDP (set on the call's signalling thread) says where the party
 * receives; packets (handled on the owning loop thread only) are validated by latching: the first source that sends
 * is the party (symmetric RTP), later packets from any other source are dropped, and media for the party goes back to
 * that source. A new address in the party's SDP unlatches.
 */
final class Endpoint {
    private final String legId;
    private final PortPool.Pair ports;
    private final String localAddress;
    private final long created = System.nanoTime();
    private final RtpReceiveStats in = new RtpReceiveStats();
    private final EventGenerator events = new EventGenerator(this); // RFC 4733 the node sends to the party

    private volatile MediaDescription sdp;
    // what the packet path needs from sdp, resolved once per SDP (written before sdp, so a reader of sdp sees it)
    private volatile Resolved resolved = Resolved.NONE;
    private volatile Endpoint peer;
    private volatile boolean unlatch;
    private volatile WebRtcLeg webrtc;
    private volatile DtmfSink dtmf;
    private volatile SdesLeg sdes;
    private volatile Transcoder transcoder; // what this party sends is transcoded for the peer; null: relayed as is
    private final Transcoder.Sink transcoded = this::sendRtp; // the peer's transcoder sends to this party through it
    private long lastEventTimestamp = -1; // loop thread: RTP timestamp of the last event reported
    // loop thread: the stream sent to a plain party, so that RFC 4733 events the node inserts fit into it
    private int seqOffset;
    private int lastSeqOut;
    private int lastTsOut;
    private int lastSsrcOut;
    private boolean streamOut; // a stream has been sent (relayed or generated): the fields above describe it
    private int lastPtIn = -1; // loop thread: the last audio payload type the party sent
    private int lastPtOut = -1; // loop thread: the last audio payload type relayed to the party
    private volatile RtpMap codecs = RtpMap.EMPTY;

    // loop thread only (volatile where the API reads them)
    private volatile InetSocketAddress latchedRtp;
    private InetSocketAddress latchedRtcp;
    private volatile long lastPacket;
    private volatile long packetsIn;
    private volatile long bytesIn;
    private volatile long packetsOut;
    private volatile long bytesOut;
    private volatile long droppedIn;
    private volatile long reportedLost = -1;
    private volatile double reportedJitterMs = -1;
    private volatile double rttMs = -1;
    private long srMiddleSent = -1;
    private long srSentAt;

    Endpoint(String legId, PortPool.Pair ports, String localAddress) {
        this.legId = legId;
        this.ports = ports;
        this.localAddress = localAddress;
        this.lastPacket = created;
    }

    String legId() {
        return legId;
    }

    PortPool.Pair ports() {
        return ports;
    }

    int rtpPort() {
        return ports.rtpPort();
    }

    DatagramChannel rtp() {
        return ports.rtp();
    }

    DatagramChannel rtcp() {
        return ports.rtcp();
    }

    // --- signalling side -------------------------------------------------------------------------------------------

    /** The party's latest SDP; a different address or port than before unlatches it. */
    void describe(MediaDescription d) {
        MediaDescription old = sdp;
        if (old != null && d.address() != null && (!d.address().equals(old.address()) || d.port() != old.port())) {
            unlatch = true;
        }
        resolved = Resolved.of(d);
        sdp = d;
    }

    MediaDescription description() {
        return sdp;
    }

    /** The codec names of the party's SDP, for the statistics. */
    void codecs(RtpMap m) {
        codecs = m;
    }

    /** Where digits go that this party sends as RFC 4733 to a WebRTC peer (which cannot hand them to its page). */
    interface DtmfSink {
        /** Called on the loop thread; must not block. */
        void digit(Endpoint to, char digit, int durationMillis);
    }

    /** SDES-SRTP terminated on this (SIP) leg: the party's SRTP is decrypted, what it gets is encrypted. */
    void sdes(SdesLeg s) {
        sdes = s;
    }

    SdesLeg sdes() {
        return sdes;
    }

    void dtmf(DtmfSink sink) {
        dtmf = sink;
    }

    /** Makes this a WebRTC endpoint (ICE-lite, DTLS-SRTP, everything on the RTP port); once, on signalling. */
    void webrtc(WebRtcLeg w) {
        webrtc = w;
    }

    WebRtcLeg webrtc() {
        return webrtc;
    }

    /** Transcodes what this party sends before it goes to the peer (null: relay unchanged); set on signalling. */
    void transcoder(Transcoder t) {
        transcoder = t;
    }

    Transcoder transcoder() {
        return transcoder;
    }

    void peer(Endpoint p) {
        peer = p;
    }

    Endpoint peer() {
        return peer;
    }

    /** This endpoint and its peer point at each other: media flows between them. */
    boolean paired() {
        Endpoint p = peer;
        return p != null && p.peer == this;
    }

    /** The party's SDP puts the stream on hold: not sendrecv, held with 0.0.0.0, or rejected; or no SDP yet. */
    boolean held() {
        MediaDescription d = sdp;
        return d == null || !d.sends() || !d.receives();
    }

    long lastPacket() {
        return lastPacket;
    }

    void touch(long now) {
        lastPacket = now;
    }

    // --- loop thread --------------------------------------------------------------------------------------------------

    /** A datagram arrived on this endpoint's RTP port ({@code onRtcpPort} false) or RTCP port. */
    void receive(ByteBuffer buf, InetSocketAddress source, boolean onRtcpPort, long now, Rtcp.Report report) {
        if (unlatch) {
            unlatch = false;
            latchedRtp = null;
            latchedRtcp = null;
        }
        WebRtcLeg w = webrtc;
        if (w != null) {
            if (onRtcpPort || w.receive(buf, source) <= 0) {
                return; // STUN/DTLS consumed, or dropped (not validated, not decryptable, unused RTCP port)
            }
            onRtcpPort = false;
        }
        int len = buf.remaining();
        if (len < 8 || (buf.get(0) & 0xc0) != 0x80) {
            droppedIn++;
            return;
        }
        int type = buf.get(1) & 0xff;
        boolean rtcp = onRtcpPort || (type >= 192 && type <= 223); // RFC 5761 §4 demultiplexing
        if (w == null && !validSource(source, onRtcpPort)) {
            droppedIn++;
            return;
        }
        SdesLeg srtp = sdes;
        if (w == null && srtp != null) {
            len = srtp.unprotect(buf, rtcp);
            if (len <= 0) {
                droppedIn++;
                return;
            }
        }
        lastPacket = now;
        if (rtcp) {
            receiveRtcp(buf, now, report);
        } else {
            receiveRtp(buf, len, now);
        }
    }

    private boolean validSource(InetSocketAddress source, boolean onRtcpPort) {
        if (onRtcpPort) {
            InetSocketAddress l = latchedRtcp;
            if (l == null) {
                latchedRtcp = source;
                return true;
            }
            return l == source || l.equals(source);
        }
        InetSocketAddress l = latchedRtp;
        if (l == null) {
            latchedRtp = source;
            return true;
        }
        // the JDK hands out the same sender address object while the sender does not change: mostly no compare
        return l == source || l.equals(source);
    }

    private void receiveRtp(ByteBuffer buf, int len, long now) {
        if (len < 12) {
            droppedIn++;
            return;
        }
        packetsIn++;
        bytesIn += len;
        MediaDescription d = sdp;
        int pt = buf.get(1) & 0x7f;
        int clock = resolved.clock(pt);
        long arrival = (now - created) / 1000 * clock / 1_000_000;
        boolean audio = d == null || !d.event(pt);
        in.update(buf.getInt(8) & 0xffffffffL, buf.getShort(2) & 0xffff, buf.getInt(4) & 0xffffffffL, arrival, clock,
                audio);
        if (audio) {
            lastPtIn = pt;
        }
        Endpoint p = peer;
        if (p == null || p.peer != this || d == null || !d.sends()) {
            droppedIn++;
            return;
        }
        if (d.event(pt) && p.webrtc != null) {
            event(buf, len, p, clock);
        }
        Transcoder t = transcoder;
        if (t != null) {
            t.relay(buf, len, p.transcoded);
        } else {
            p.sendRtp(buf, len);
        }
    }

    /**
     * An RFC 4733 event packet towards a browser: the first packet with the end bit of an event (one per RTP
     * timestamp; the end packet is sent three times) reports the digit.
     */
    private void event(ByteBuffer buf, int len, Endpoint to, int clock) {
        int off = 12 + 4 * (buf.get(0) & 0x0f);
        if ((buf.get(0) & 0x10) != 0 && off + 4 <= len) {
            off += 4 + 4 * (buf.getShort(off + 2) & 0xffff); // header extension
        }
        if (off + 4 > len || (buf.get(off + 1) & 0x80) == 0) {
            return;
        }
        long ts = buf.getInt(4) & 0xffffffffL;
        if (ts == lastEventTimestamp) {
            return;
        }
        lastEventTimestamp = ts;
        int event = buf.get(off) & 0xff;
        char digit = event <= 9 ? (char) ('0' + event) : event == 10 ? '*' : event == 11 ? '#'
                : event <= 15 ? (char) ('A' + event - 12) : 0;
        DtmfSink sink = dtmf;
        if (digit != 0 && sink != null) {
            sink.digit(to, digit, (buf.getShort(off + 2) & 0xffff) * 1000 / clock);
        }
    }

    private void receiveRtcp(ByteBuffer buf, long now, Rtcp.Report report) {
        if (!Rtcp.read(buf, report)) {
            droppedIn++;
            return;
        }
        Endpoint p = peer;
        if (report.block) {
            reportedLost = report.cumulativeLost;
            // the party's jitter is about the stream it receives, in the clock of that stream's payload type
            int sent = lastPtOut;
            reportedJitterMs = report.jitter * 1000.0 / (sent >= 0 ? resolved.clock(sent) : resolved.reportClock());
            if (report.lsr != 0 && report.lsr == srMiddleSent) {
                long rtt = now - srSentAt - report.dlsr * 1_000_000_000L / 65536;
                if (rtt >= 0) {
                    rttMs = rtt / 1_000_000.0;
                }
            }
        }
        if (p != null && p.peer == this && transcoder == null) { // a transcoded stream's reports would not fit it
            p.sendRtcp(buf, report, now);
        }
    }

    /** Sends an RTP packet from the peer to this party, when this party wants media. */
    private void sendRtp(ByteBuffer buf, int len) {
        MediaDescription d = sdp;
        WebRtcLeg w = webrtc;
        if (w != null) {
            if (d != null && d.port() != 0 && d.direction().receives()) {
                track(buf);
                if (w.sendRtp(buf, len)) {
                    packetsOut++;
                    bytesOut += len;
                }
            }
            return;
        }
        if (d == null || !d.receives()) {
            return;
        }
        InetSocketAddress to = latchedRtp != null ? latchedRtp : resolved.rtp();
        if (to == null) {
            return;
        }
        track(buf);
        if (send(ports.rtp(), secure(buf, false), to)) {
            packetsOut++;
            bytesOut += len;
        }
    }

    /**
     * The relayed stream towards this party (loop thread): renumbered after the events the node inserted, and noted so
     * that the next inserted event fits into it.
     */
    private void track(ByteBuffer buf) {
        if (seqOffset != 0) {
            buf.putShort(2, (short) (buf.getShort(2) + seqOffset)); // room for the events the node inserted
        }
        lastSeqOut = buf.getShort(2) & 0xffff;
        lastTsOut = buf.getInt(4);
        lastSsrcOut = buf.getInt(8);
        streamOut = true;
        int pt = buf.get(1) & 0x7f;
        MediaDescription d = sdp;
        if (d != null && !d.event(pt)) {
            lastPtOut = pt;
        }
    }

    /** Relays the peer's RTCP to this party; an SR's time is noted to compute the RTT from this party's answer. */
    private void sendRtcp(ByteBuffer buf, Rtcp.Report report, long now) {
        MediaDescription d = sdp;
        WebRtcLeg w = webrtc;
        if (w != null) {
            if (d != null && d.port() != 0 && w.sendRtcp(buf) && report.senderReport) {
                srMiddleSent = report.ntpMiddle;
                srSentAt = now;
            }
            return;
        }
        if (d == null || d.port() == 0 || d.address() == null && latchedRtp == null) {
            return;
        }
        Endpoint p = peer;
        boolean mux = d.mux() && p != null && p.sdp != null && p.sdp.mux();
        Resolved r = resolved;
        InetSocketAddress to = mux ? (latchedRtp != null ? latchedRtp : r.rtp())
                : (latchedRtcp != null ? latchedRtcp : r.rtcp());
        if (to == null) {
            return;
        }
        if (send(mux ? ports.rtp() : ports.rtcp(), secure(buf, true), to) && report.senderReport) {
            srMiddleSent = report.ntpMiddle;
            srSentAt = now;
        }
    }

    /** {@code buf} from position 0 as it goes on the wire: as is, or SRTP/SRTCP when SDES is terminated here. */
    private ByteBuffer secure(ByteBuffer buf, boolean rtcp) {
        SdesLeg s = sdes;
        if (s == null) {
            buf.position(0);
            return buf;
        }
        return s.protect(buf, rtcp);
    }

    private static boolean send(DatagramChannel ch, ByteBuffer buf, InetSocketAddress to) {
        if (buf == null) {
            return false;
        }
        try {
            return ch.send(buf, to) > 0;
        } catch (IOException e) {
            return false; // unreachable party or full socket buffer: the packet is lost, as on the wire
        }
    }

    // --- for the RFC 4733 events the node generates (EventGenerator) -------------------------------------------------

    EventGenerator events() {
        return events;
    }

    InetSocketAddress latchedRtp() {
        return latchedRtp;
    }

    long packetsOut() {
        return packetsOut;
    }

    /** Loop thread: the last RTP timestamp sent; nothing sent yet: the node's own stream (RFC 3550 random values). */
    int lastTimestampOut() {
        if (!streamOut) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            lastSsrcOut = r.nextInt();
            lastSeqOut = r.nextInt(0x10000);
            lastTsOut = r.nextInt();
            streamOut = true;
        }
        return lastTsOut;
    }

    /** Loop thread: sends a packet the node made as the stream's next (its SSRC, sequence; later ones renumbered). */
    void sendInStream(ByteBuffer p, int len, WebRtcLeg w, InetSocketAddress to) {
        seqOffset++;
        lastSeqOut = (lastSeqOut + 1) & 0xffff;
        p.putShort(2, (short) lastSeqOut).putInt(8, lastSsrcOut);
        if (w != null ? w.sendRtp(p, len) : send(ports.rtp(), secure(p, false), to)) {
            packetsOut++;
            bytesOut += len;
        }
    }

    // --- API ---------------------------------------------------------------------------------------------------------

    MediaStats stats() {
        MediaDescription d = sdp;
        WebRtcLeg w = webrtc;
        InetSocketAddress l = w != null ? w.target() : latchedRtp;
        InetSocketAddress target = l != null ? l : d == null ? null : d.rtp();
        return new MediaStats(legId, localAddress + ":" + ports.rtpPort(),
                target == null ? "" : target.getAddress().getHostAddress() + ":" + target.getPort(), l != null,
                d == null ? "" : direction(d), packetsIn, bytesIn, packetsOut, bytesOut, in.lost(), in.jitterMs(),
                reportedLost, reportedJitterMs, rttMs, droppedIn + (w == null ? 0 : w.dropped()), codec(d),
                w != null ? w.secured() : sdes != null);
    }

    /** {@code encoding/clock} of the last audio payload type received, else of the first one in the party's SDP. */
    private String codec(MediaDescription d) {
        RtpMap m = codecs;
        int pt = lastPtIn;
        String name = pt >= 0 ? m.name(pt) : null;
        return name != null ? name : m.first();
    }

    private static String direction(MediaDescription d) {
        return d.address() == null && d.port() != 0 && d.direction().receives() ? d.direction() + " (held 0.0.0.0)"
                : d.direction().toString();
    }
}
