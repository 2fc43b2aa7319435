package org.patchbay.media.internal.sdp;

import java.util.Locale;

/**
 * Reads the first audio stream of an SDP body (RFC 4566) and rewrites a body so that its audio points at the node.
 * Only the first {@code m=audio} stream is relayed: other streams are disabled (port 0) in what the other party sees.
 */
public final class Sdp {
    private static final String CRLF = "\r\n";

    private Sdp() {
    }

    /** The first audio stream of {@code sdp}; a rejected (port 0) description when there is none. */
    public static MediaDescription parse(String sdp) {
        String sessionAddress = null;
        Direction sessionDirection = null;
        String mediaAddress = null;
        boolean sawMediaAddress = false;
        Direction mediaDirection = null;
        int port = 0;
        int rtcpPort = -1;
        String rtcpHost = null;
        boolean mux = false;
        int[] clocks = new int[128];
        int eventType = -1;
        java.util.List<Integer> events = new java.util.ArrayList<>();
        AudioSection audio = AudioSection.of(sdp);
        for (String line : audio.session()) {
            if (line.startsWith("c=")) {
                sessionAddress = connectionAddress(line);
            } else if (line.startsWith("a=")) {
                Direction d = Direction.of(line.substring(2).strip());
                sessionDirection = d != null ? d : sessionDirection;
            }
        }
        if (audio.mLine() != null) {
            port = audioPort(audio.mLine());
            staticClocks(audio.mLine(), clocks);
        }
        for (String line : audio.media()) {
            if (line.startsWith("c=")) {
                mediaAddress = connectionAddress(line);
                sawMediaAddress = true;
            } else if (line.startsWith("a=")) {
                String attr = line.substring(2);
                Direction d = Direction.of(attr.strip());
                if (d != null) {
                    mediaDirection = d;
                } else if (attr.startsWith("rtcp:")) {
                    String[] parts = attr.substring(5).strip().split("\\s+");
                    rtcpPort = number(parts[0], "a=rtcp port");
                    if (parts.length >= 4) {
                        rtcpHost = unspecified(parts[3]) ? null : parts[3];
                    }
                } else if (attr.strip().equals("rtcp-mux")) {
                    mux = true;
                } else if (attr.startsWith("rtpmap:")) {
                    eventType = rtpmap(attr.substring(7), clocks, eventType, events);
                }
            }
        }
        String address = sawMediaAddress ? mediaAddress : sessionAddress;
        Direction direction = mediaDirection != null ? mediaDirection
                : sessionDirection != null ? sessionDirection : Direction.SENDRECV;
        if (rtcpHost == null) {
            rtcpHost = address;
        }
        return new MediaDescription(address, port, rtcpPort > 0 ? rtcpPort : port == 0 ? 0 : port + 1, rtcpHost, mux,
                direction, clocks, eventType, events.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * {@code sdp} with its first audio stream moved to {@code address}:{@code rtpPort} (RTCP on {@code rtcpPort}),
     * the origin's address replaced, ICE candidates dropped and every other stream disabled. A hold address
     * ({@code 0.0.0.0}) stays as it is so that the other party keeps holding.
     */
    public static String rewrite(String sdp, String address, int rtpPort, int rtcpPort) {
        StringBuilder out = new StringBuilder(sdp.length() + 64);
        boolean inAudio = false;
        boolean audioSeen = false;
        boolean relayed = false;
        for (String line : lines(sdp)) {
            if (line.startsWith("m=")) {
                inAudio = line.startsWith("m=audio ") && !audioSeen;
                audioSeen |= inAudio;
                relayed = inAudio;
                line = port(line, inAudio ? (audioPort(line) == 0 ? 0 : rtpPort) : 0);
            } else if (line.startsWith("o=")) {
                line = origin(line, address);
            } else if (line.startsWith("c=")) {
                line = connectionAddress(line) == null ? line : "c=IN " + family(address) + " " + address;
            } else if (line.startsWith("a=")) {
                String attr = line.substring(2);
                if (isIce(attr)) {
                    continue;
                }
                if (relayed && attr.startsWith("rtcp:")) {
                    String[] parts = attr.substring(5).strip().split("\\s+");
                    line = parts.length >= 4 ? "a=rtcp:" + rtcpPort + " IN " + family(address) + " " + address
                            : "a=rtcp:" + rtcpPort;
                }
            }
            out.append(line).append(CRLF);
        }
        return out.toString();
    }

    private static boolean isIce(String attr) {
        return attr.startsWith("candidate:") || attr.startsWith("ice-") || attr.startsWith("end-of-candidates")
                || attr.startsWith("remote-candidates:");
    }

    private static String[] lines(String sdp) {
        return AudioSection.lines(sdp);
    }

    private static int audioPort(String mLine) {
        String[] parts = mLine.split("\\s+");
        if (parts.length < 4) {
            throw new IllegalArgumentException("bad m= line: " + shorten(mLine));
        }
        String p = parts[1];
        int slash = p.indexOf('/');
        int port = number(slash < 0 ? p : p.substring(0, slash), "m= port");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("m= port out of range: " + port);
        }
        return port;
    }

    private static String port(String mLine, int port) {
        String[] parts = mLine.split(" ", 3);
        if (parts.length < 3) {
            throw new IllegalArgumentException("bad m= line: " + shorten(mLine));
        }
        return parts[0] + " " + port + " " + parts[2];
    }

    private static void staticClocks(String mLine, int[] clocks) {
        String[] parts = mLine.split("\\s+");
        for (int i = 3; i < parts.length; i++) {
            try {
                int pt = Integer.parseInt(parts[i]);
                if (pt >= 0 && pt < 35) {
                    clocks[pt] = 8000; // RFC 3551 static audio types (G.722's RTP clock is 8000 too)
                }
            } catch (NumberFormatException e) {
                // a non-numeric format belongs to another profile: nothing to learn
            }
        }
    }

    private static int rtpmap(String value, int[] clocks, int eventType, java.util.List<Integer> events) {
        String[] parts = value.strip().split("\\s+", 2);
        if (parts.length < 2) {
            throw new IllegalArgumentException("bad a=rtpmap: " + shorten(value));
        }
        int pt = number(parts[0], "a=rtpmap payload type");
        String[] enc = parts[1].split("/");
        if (pt < 0 || pt > 127 || enc.length < 2) {
            throw new IllegalArgumentException("bad a=rtpmap: " + shorten(value));
        }
        clocks[pt] = number(enc[1], "a=rtpmap clock rate");
        boolean event = enc[0].toLowerCase(Locale.ROOT).equals("telephone-event");
        if (event && !events.contains(pt)) {
            events.add(pt);
        }
        return event && eventType < 0 ? pt : eventType;
    }

    private static String origin(String line, String address) {
        String[] parts = line.split("\\s+");
        if (parts.length != 6) {
            return line;
        }
        return parts[0] + " " + parts[1] + " " + parts[2] + " " + parts[3] + " " + family(address) + " " + address;
    }

    /** The address of a {@code c=} line, or null for a hold address ({@code 0.0.0.0}, {@code ::}). */
    private static String connectionAddress(String line) {
        String[] parts = line.substring(2).strip().split("\\s+");
        if (parts.length < 3) {
            throw new IllegalArgumentException("bad c= line: " + shorten(line));
        }
        String a = parts[2];
        int slash = a.indexOf('/');
        a = slash < 0 ? a : a.substring(0, slash);
        return unspecified(a) ? null : a;
    }

    private static boolean unspecified(String address) {
        return address.equals("0.0.0.0") || address.equals("::");
    }

    private static String family(String address) {
        return address.indexOf(':') >= 0 ? "IP6" : "IP4";
    }

    private static int number(String s, String what) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + what + ": " + shorten(s));
        }
    }

    private static String shorten(String s) {
        String one = s.replaceAll("[\\r\\n]", " ");
        return one.length() > 60 ? one.substring(0, 60) + "…" : one;
    }
}
