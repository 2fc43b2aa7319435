package org.patchbay.media.internal.sdp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The SDP side of WebRTC legs: recognises a browser's SDP, reads its ICE and DTLS parameters, turns it into plain
 * RTP/AVP for a SIP phone, and writes the WebRTC offer or answer a browser receives (ICE-lite, one host candidate,
 * DTLS-SRTP, rtcp-mux, BUNDLE). Only the first audio stream is carried; other streams are refused (port 0).
 *
 * <p>Codecs: between a browser and a phone both sides are restricted to what needs no transcoding, G.711 (PCMU,
 * PCMA) and telephone-event/8000, when the browser offers G.711 (it always does unless told otherwise), so the phone
 * picks one of them and the browser is answered with the phone's pick. A browser offer without G.711 passes with its
 * codecs (the engine adds G.711 for the phone and transcodes when the phone picks it, see {@link Codecs}).
 */
public final class WebRtcSdp {
    private static final String CRLF = "\r\n";
    /** The profile of WebRTC media (RFC 5764 §8, RFC 8829). */
    public static final String PROFILE = "UDP/TLS/RTP/SAVPF";

    private WebRtcSdp() {
    }

    /**
     * One {@code m=} line of an offer, kept so that an answer has the same streams in the same order.
     *
     * @param type  {@code audio}, {@code video}, {@code application}
     * @param proto the transport profile
     * @param fmt   the first format
     * @param mid   {@code a=mid}, or null
     */
    public record Stream(String type, String proto, String fmt, String mid) {
    }

    /**
     * What a browser's SDP says about ICE and DTLS for its first audio stream (media-level attributes win over
     * session-level ones).
     *
     * @param ufrag       {@code a=ice-ufrag}
     * @param pwd         {@code a=ice-pwd}
     * @param fingerprint {@code a=fingerprint} value ({@code sha-256 AB:...})
     * @param setup       {@code a=setup} value, or null
     * @param streams     every m= line in order
     * @param audioIndex  index of the first audio stream in {@code streams}, -1 when none
     * @param bundle      whether the SDP had {@code a=group:BUNDLE}
     */
    public record Params(String ufrag, String pwd, String fingerprint, String setup, List<Stream> streams,
                         int audioIndex, boolean bundle) {

        /** The audio stream's mid, or {@code 0} when the offer named none. */
        public String audioMid() {
            String mid = audioIndex < 0 ? null : streams.get(audioIndex).mid();
            return mid == null ? "0" : mid;
        }
    }

    /** What we put into a WebRTC SDP for our side. */
    public record Local(String ufrag, String pwd, String fingerprint, String setup, String address, int port) {
    }

    /** Whether {@code sdp}'s first audio stream is a WebRTC one: a DTLS profile with a fingerprint and ICE ufrag. */
    public static boolean isWebRtc(String sdp) {
        AudioSection audio = AudioSection.of(sdp);
        String[] m = audio.mFields();
        if (m.length < 3 || !m[2].toUpperCase(Locale.ROOT).contains("TLS")) {
            return false;
        }
        boolean fingerprint = false;
        boolean ufrag = false;
        for (List<String> part : List.of(audio.session(), audio.media())) {
            for (String line : part) {
                fingerprint |= line.startsWith("a=fingerprint:");
                ufrag |= line.startsWith("a=ice-ufrag:");
            }
        }
        return fingerprint && ufrag;
    }

    /**
     * Reads the ICE and DTLS parameters of a WebRTC SDP.
     *
     * @throws IllegalArgumentException when ufrag, pwd or fingerprint are missing
     */
    public static Params params(String sdp) {
        String[] session = new String[4];
        String[] media = new String[4];
        List<Stream> streams = new ArrayList<>();
        int audio = -1;
        boolean bundle = false;
        boolean inAudio = false;
        String type = null;
        String proto = null;
        String fmt = null;
        String mid = null;
        for (String line : lines(sdp)) {
            if (line.startsWith("m=")) {
                if (type != null) {
                    streams.add(new Stream(type, proto, fmt, mid));
                }
                String[] parts = line.substring(2).split("\\s+");
                type = parts[0];
                proto = parts.length > 2 ? parts[2] : "RTP/AVP";
                fmt = parts.length > 3 ? parts[3] : "0";
                mid = null;
                inAudio = audio < 0 && type.equals("audio");
                if (inAudio) {
                    audio = streams.size();
                }
                continue;
            }
            if (line.startsWith("a=group:BUNDLE")) {
                bundle = true;
            } else if (line.startsWith("a=mid:") && type != null) {
                mid = line.substring(6).strip();
            }
            String[] target = type == null ? session : inAudio ? media : null;
            if (target != null) {
                take(line, target);
            }
        }
        if (type != null) {
            streams.add(new Stream(type, proto, fmt, mid));
        }
        String ufrag = media[0] != null ? media[0] : session[0];
        String pwd = media[1] != null ? media[1] : session[1];
        String fingerprint = media[2] != null ? media[2] : session[2];
        String setup = media[3] != null ? media[3] : session[3];
        if (ufrag == null || pwd == null || fingerprint == null) {
            throw new IllegalArgumentException("WebRTC SDP without a=ice-ufrag, a=ice-pwd or a=fingerprint");
        }
        return new Params(ufrag, pwd, fingerprint, setup, List.copyOf(streams), audio, bundle);
    }

    private static void take(String line, String[] into) {
        if (line.startsWith("a=ice-ufrag:")) {
            into[0] = line.substring(12).strip();
        } else if (line.startsWith("a=ice-pwd:")) {
            into[1] = line.substring(10).strip();
        } else if (line.startsWith("a=fingerprint:") && into[2] == null) {
            into[2] = line.substring(14).strip();
        } else if (line.startsWith("a=setup:")) {
            into[3] = line.substring(8).strip();
        }
    }

    /**
     * A browser's SDP as plain RTP/AVP for a phone: profile {@code RTP/AVP}, ICE, DTLS, BUNDLE, mid, extmap, msid, ssrc,
     * rtcp-fb and rtcp-mux attributes removed, codecs restricted to G.711 and telephone-event/8000 (when any of them
     * is offered), other streams stripped to their m= line. Addresses and ports are left for {@link Sdp#rewrite}.
     */
    public static String toPlain(String sdp) {
        Set<String> keep = g711Formats(sdp);
        StringBuilder out = new StringBuilder(sdp.length());
        boolean inAudio = false;
        boolean audioSeen = false;
        boolean inMedia = false;
        for (String line : lines(sdp)) {
            if (line.startsWith("m=")) {
                inMedia = true;
                inAudio = line.startsWith("m=audio ") && !audioSeen;
                audioSeen |= inAudio;
                String[] parts = line.split("\\s+");
                StringBuilder m = new StringBuilder(parts[0]).append(' ').append(parts.length > 1 ? parts[1] : "0")
                        .append(' ').append(inAudio ? "RTP/AVP" : parts.length > 2 ? parts[2] : "RTP/AVP");
                for (int i = 3; i < parts.length; i++) {
                    if (!inAudio || keep.isEmpty() || keep.contains(parts[i])) {
                        m.append(' ').append(parts[i]);
                    }
                }
                line = m.toString();
            } else if (line.startsWith("a=")) {
                if (inMedia && !inAudio || webRtcOnly(line.substring(2))) {
                    continue;
                }
                String pt = formatOf(line);
                if (inAudio && pt != null && !keep.isEmpty() && !keep.contains(pt)) {
                    continue;
                }
            } else if (inMedia && !inAudio && !line.startsWith("c=")) {
                continue;
            }
            out.append(line).append(CRLF);
        }
        return out.toString();
    }

    /**
     * A plain SDP (from {@link #toPlain}) for a phone whose SDES offer the node terminates: the first audio stream's
     * profile {@code RTP/SAVP} and our {@code a=crypto} attribute at the end of that stream's lines.
     */
    public static String withCrypto(String plain, String cryptoAttribute) {
        StringBuilder out = new StringBuilder(plain.length() + 100);
        boolean inAudio = false;
        boolean done = false;
        for (String line : lines(plain)) {
            if (line.startsWith("m=")) {
                if (inAudio && !done) {
                    out.append(cryptoAttribute).append(CRLF);
                    done = true;
                }
                inAudio = !done && line.startsWith("m=audio ");
                if (inAudio) {
                    line = line.replaceFirst(" RTP/AVP ", " RTP/SAVP ");
                }
            }
            out.append(line).append(CRLF);
        }
        if (inAudio && !done) {
            out.append(cryptoAttribute).append(CRLF);
        }
        return out.toString();
    }

    /**
     * The SDP a browser receives for a plain party's {@code sdp}: a WebRTC offer ({@code offer} null) or the answer to
     * the browser's {@code offer}. Codecs, rtpmap/fmtp/ptime and direction come from {@code sdp}'s first audio stream
     * (restricted like {@link #toPlain}); the rest is ours: ICE-lite with one host candidate, DTLS fingerprint and
     * setup, rtcp-mux, the mid (and BUNDLE group) of the offer. {@code restrict}: keep only G.711 and
     * telephone-event/8000 (the other side is a plain phone); false between two browsers.
     */
    public static String toWebRtc(String sdp, Local local, Params offer, boolean restrict) {
        Set<String> keep = restrict ? g711Formats(sdp) : Set.of();
        String family = local.address().indexOf(':') >= 0 ? "IP6" : "IP4";
        List<String> formats = new ArrayList<>();
        List<String> audioAttrs = new ArrayList<>();
        String origin = null;
        String direction = null;
        String sessionDirection = null;
        int port;
        AudioSection audio = AudioSection.of(sdp);
        String[] m = audio.mFields();
        port = m.length > 1 ? parsePort(m[1]) : 0;
        for (String f : audio.formats()) {
            if (keep.isEmpty() || keep.contains(f)) {
                formats.add(f);
            }
        }
        for (String line : audio.session()) {
            if (line.startsWith("o=")) {
                origin = line;
            } else if (line.startsWith("a=") && Direction.of(line.substring(2).strip()) != null) {
                sessionDirection = line.substring(2).strip();
            }
        }
        for (String line : audio.media()) {
            if (line.startsWith("a=") && Direction.of(line.substring(2).strip()) != null) {
                direction = line.substring(2).strip();
            } else if (line.startsWith("a=rtpmap:") || line.startsWith("a=fmtp:")
                    || line.startsWith("a=ptime:") || line.startsWith("a=maxptime:")) {
                String pt = formatOf(line);
                if (pt == null || keep.isEmpty() || keep.contains(pt)) {
                    audioAttrs.add(line);
                }
            }
        }
        if (formats.isEmpty()) {
            formats.add("0");
        }
        String mid = offer == null ? "0" : offer.audioMid();
        boolean accepted = port != 0;
        StringBuilder out = new StringBuilder(512);
        out.append("v=0").append(CRLF);
        out.append(origin(origin, family, local.address())).append(CRLF);
        out.append("s=-").append(CRLF).append("t=0 0").append(CRLF);
        out.append("a=ice-lite").append(CRLF);
        if (accepted && (offer == null || offer.bundle())) {
            out.append("a=group:BUNDLE ").append(mid).append(CRLF);
        }
        List<Stream> streams = offer == null ? List.of(new Stream("audio", PROFILE, "0", "0")) : offer.streams();
        int audioIndex = offer == null ? 0 : offer.audioIndex();
        for (int i = 0; i < streams.size(); i++) {
            Stream s = streams.get(i);
            if (i != audioIndex) {
                out.append("m=").append(s.type()).append(" 0 ").append(s.proto()).append(' ').append(s.fmt()).append(CRLF);
                out.append("c=IN ").append(family).append(' ').append(local.address()).append(CRLF);
                if (s.mid() != null) {
                    out.append("a=mid:").append(s.mid()).append(CRLF);
                }
                continue;
            }
            out.append("m=audio ").append(accepted ? local.port() : 0).append(' ').append(PROFILE)
                    .append(' ').append(String.join(" ", formats)).append(CRLF);
            out.append("c=IN ").append(family).append(' ').append(local.address()).append(CRLF);
            out.append("a=mid:").append(mid).append(CRLF);
            if (!accepted) {
                continue;
            }
            out.append("a=ice-ufrag:").append(local.ufrag()).append(CRLF);
            out.append("a=ice-pwd:").append(local.pwd()).append(CRLF);
            out.append("a=fingerprint:").append(local.fingerprint()).append(CRLF);
            out.append("a=setup:").append(local.setup()).append(CRLF);
            out.append("a=candidate:1 1 udp 2130706431 ").append(local.address()).append(' ').append(local.port())
                    .append(" typ host").append(CRLF);
            out.append("a=end-of-candidates").append(CRLF);
            out.append("a=rtcp-mux").append(CRLF);
            out.append("a=").append(direction != null ? direction : sessionDirection != null ? sessionDirection
                    : "sendrecv").append(CRLF);
            audioAttrs.forEach(a -> out.append(a).append(CRLF));
        }
        return out.toString();
    }

    /** The G.711 and telephone-event/8000 formats of the first audio stream; empty when it has neither G.711 codec. */
    static Set<String> g711Formats(String sdp) {
        Set<String> keep = new LinkedHashSet<>();
        boolean g711 = false;
        for (Codecs.Format f : Codecs.formats(sdp)) {
            if (f.is("pcmu", 8000) || f.is("pcma", 8000)) {
                keep.add(String.valueOf(f.pt()));
                g711 = true;
            } else if (f.is("telephone-event", 8000)) {
                keep.add(String.valueOf(f.pt()));
            }
        }
        return g711 ? keep : Set.of();
    }

    private static boolean webRtcOnly(String attr) {
        return attr.startsWith("candidate:") || attr.startsWith("ice-") || attr.startsWith("end-of-candidates")
                || attr.startsWith("remote-candidates:") || attr.startsWith("fingerprint:") || attr.startsWith("setup:")
                || attr.startsWith("mid:") || attr.startsWith("group:") || attr.startsWith("msid")
                || attr.startsWith("extmap") || attr.startsWith("ssrc") || attr.startsWith("rtcp-fb:")
                || attr.equals("rtcp-mux") || attr.equals("rtcp-rsize") || attr.startsWith("rtcp:")
                || attr.startsWith("crypto:") || attr.startsWith("identity:") || attr.startsWith("tls-id:");
    }

    /** The payload type an rtpmap/fmtp/rtcp-fb line is about, or null. */
    private static String formatOf(String line) {
        for (String p : new String[] {"a=rtpmap:", "a=fmtp:", "a=rtcp-fb:"}) {
            if (line.startsWith(p)) {
                String rest = line.substring(p.length()).strip();
                int sp = rest.indexOf(' ');
                return sp < 0 ? rest : rest.substring(0, sp);
            }
        }
        return null;
    }

    private static String origin(String line, String family, String address) {
        String[] parts = line == null ? new String[0] : line.split("\\s+");
        if (parts.length != 6) {
            return "o=- " + System.currentTimeMillis() + " 1 IN " + family + " " + address;
        }
        return "o=patchbay " + parts[1] + " " + parts[2] + " IN " + family + " " + address;
    }

    private static int parsePort(String p) {
        int slash = p.indexOf('/');
        try {
            return Integer.parseInt(slash < 0 ? p : p.substring(0, slash));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad m= port: " + p);
        }
    }

    private static String[] lines(String sdp) {
        return sdp.strip().split("\r?\n");
    }
}
