package org.patchbay.media.internal.relay;

import java.util.HashMap;
import java.util.Map;

/**
 * The codec names of a party's first audio stream ({@code a=rtpmap}, and the static payload types of RFC 3551), for the
 * statistics and the call record. Immutable.
 */
record RtpMap(Map<Integer, String> names, String first) {
    static final RtpMap EMPTY = new RtpMap(Map.of(), "");

    private static final Map<Integer, String> STATIC = Map.of(0, "PCMU/8000", 3, "GSM/8000", 4, "G723/8000",
            8, "PCMA/8000", 9, "G722/8000", 18, "G729/8000");

    RtpMap {
        names = Map.copyOf(names);
    }

    /** The name of payload type {@code pt}, or null. */
    String name(int pt) {
        return names.get(pt);
    }

    /** Reads the first {@code m=audio} section; never throws (an unreadable SDP gives {@link #EMPTY}). */
    static RtpMap parse(String sdp) {
        if (sdp == null) {
            return EMPTY;
        }
        Map<Integer, String> names = new HashMap<>();
        String first = null;
        boolean inAudio = false;
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("m=")) {
                if (inAudio) {
                    break;
                }
                inAudio = line.startsWith("m=audio ");
                if (inAudio) {
                    String[] f = line.strip().split(" ");
                    for (int i = 3; i < f.length; i++) {
                        Integer pt = number(f[i]);
                        if (pt != null && first == null) {
                            first = f[i];
                        }
                        if (pt != null && STATIC.containsKey(pt)) {
                            names.put(pt, STATIC.get(pt));
                        }
                    }
                }
            } else if (inAudio && line.startsWith("a=rtpmap:")) {
                int sp = line.indexOf(' ');
                Integer pt = sp < 0 ? null : number(line.substring("a=rtpmap:".length(), sp));
                if (pt != null) {
                    String[] enc = line.substring(sp + 1).strip().split("/");
                    names.put(pt, enc.length >= 2 ? enc[0] + "/" + enc[1] : enc[0]);
                }
            }
        }
        Integer firstPt = first == null ? null : number(first);
        return new RtpMap(names, firstPt == null ? "" : names.getOrDefault(firstPt, ""));
    }

    private static Integer number(String s) {
        try {
            int v = Integer.parseInt(s.strip());
            return v >= 0 && v <= 127 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
