package org.patchbay.media.internal.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The formats of an SDP's first audio stream and the two rewrites transcoding needs: adding G.711 to an offer that
 * lacks it, and answering an offerer with its own codec instead of the answerer's pick.
 */
public final class Codecs {
    private static final String CRLF = "\r\n";

    private Codecs() {
    }

    /**
     * One format of an m= line.
     *
     * @param pt       payload type
     * @param encoding encoding name, lower case ({@code pcmu}, {@code opus}, {@code telephone-event}), empty when
     *                 unknown (a dynamic type without rtpmap)
     * @param clock    clock rate (8000 for the static types without rtpmap)
     * @param rtpmap   the {@code a=rtpmap:} line, or null for a static type without one
     * @param fmtp     the {@code a=fmtp:} line, or null
     */
    public record Format(int pt, String encoding, int clock, String rtpmap, String fmtp) {

        /** Whether this is {@code encoding}/{@code clock}. */
        public boolean is(String name, int rate) {
            return encoding.equals(name) && clock == rate;
        }

        public boolean event() {
            return encoding.equals("telephone-event");
        }
    }

    private static final Map<Integer, String> STATIC = Map.of(0, "pcmu", 3, "gsm", 4, "g723", 8, "pcma", 9, "g722",
            13, "cn", 18, "g729");

    /** The formats of the first audio stream in m= line order (non-numeric formats skipped). */
    public static List<Format> formats(String sdp) {
        AudioSection audio = AudioSection.of(sdp);
        Map<Integer, String> rtpmaps = new LinkedHashMap<>();
        Map<Integer, String> fmtps = new LinkedHashMap<>();
        for (String line : audio.media()) {
            if (line.startsWith("a=rtpmap:")) {
                Integer pt = leadingNumber(line.substring(9));
                if (pt != null) {
                    rtpmaps.putIfAbsent(pt, line);
                }
            } else if (line.startsWith("a=fmtp:")) {
                Integer pt = leadingNumber(line.substring(7));
                if (pt != null) {
                    fmtps.putIfAbsent(pt, line);
                }
            }
        }
        List<Format> list = new ArrayList<>();
        for (String f : audio.formats()) {
            Integer pt = leadingNumber(f);
            if (pt == null || pt < 0 || pt > 127) {
                continue;
            }
            String map = rtpmaps.get(pt);
            String encoding = STATIC.getOrDefault(pt, "");
            int clock = 8000;
            if (map != null) {
                String[] parts = map.substring(9).strip().split("\\s+", 2);
                String[] enc = parts.length > 1 ? parts[1].split("/") : new String[0];
                if (enc.length >= 2) {
                    encoding = enc[0].toLowerCase(Locale.ROOT);
                    clock = parseOr(enc[1], 8000);
                }
            }
            list.add(new Format(pt, encoding, clock, map, fmtps.get(pt)));
        }
        return list;
    }

    /** The first format that is not telephone-event or comfort noise (the codec an answer picked), or null. */
    public static Format firstAudio(List<Format> formats) {
        for (Format f : formats) {
            if (!f.event() && !f.encoding().equals("cn")) {
                return f;
            }
        }
        return null;
    }

    /**
     * Whether the party that described {@code f} asked to receive Opus in-band FEC: {@code useinbandfec=1} in its
     * {@code a=fmtp} line (RFC 7587 §6.1; what Chromium and Firefox offer).
     */
    public static boolean wantsInbandFec(Format f) {
        if (f.fmtp() == null) {
            return false;
        }
        int sp = f.fmtp().indexOf(' ');
        for (String p : (sp < 0 ? "" : f.fmtp().substring(sp + 1)).split(";")) {
            String[] kv = p.trim().split("=", 2);
            if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("useinbandfec") && kv[1].trim().equals("1")) {
                return true;
            }
        }
        return false;
    }

    /**
     * An offer for a plain party with G.711 added to its first audio stream when it has Opus (the codec the node can
     * transcode from) but neither PCMU nor PCMA:
     * formats 0 (PCMU) and 8 (PCMA), plus telephone-event/8000 on a free dynamic type when the offer has
     * telephone-event in another clock only. The offer's own formats stay first, so a party that has them picks them
     * and the call is relayed untouched. {@code sdp} unchanged when it already has G.711 or no audio stream.
     */
    public static String withG711(String sdp) {
        List<Format> formats = formats(sdp);
        AudioSection audio = AudioSection.of(sdp);
        if (audio.mLine() == null || formats.stream().noneMatch(f -> f.is("opus", 48000))
                || formats.stream().anyMatch(f -> f.is("pcmu", 8000) || f.is("pcma", 8000))) {
            return sdp;
        }
        Set<Integer> used = new HashSet<>();
        formats.forEach(f -> used.add(f.pt()));
        boolean events = formats.stream().anyMatch(Format::event);
        boolean events8k = formats.stream().anyMatch(f -> f.is("telephone-event", 8000));
        int eventPt = -1;
        if (events && !events8k) {
            for (int pt = 101; pt < 128 && eventPt < 0; pt++) {
                eventPt = used.contains(pt) ? -1 : pt;
            }
            for (int pt = 96; pt <= 100 && eventPt < 0; pt++) {
                eventPt = used.contains(pt) ? -1 : pt;
            }
        }
        List<String> added = new ArrayList<>(List.of("0", "8"));
        List<String> attrs = new ArrayList<>(List.of("a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000"));
        if (eventPt >= 0) {
            added.add(String.valueOf(eventPt));
            attrs.add("a=rtpmap:" + eventPt + " telephone-event/8000");
            attrs.add("a=fmtp:" + eventPt + " 0-16");
        }
        return replaceAudio(sdp, audio.mLine() + " " + String.join(" ", added), null, attrs);
    }

    /**
     * {@code sdp} (an answer) with the formats of its first audio stream replaced by {@code formats}: the m= line's
     * format list, and its rtpmap/fmtp lines by theirs. Used to answer an offerer with its own codec while the node
     * transcodes to what the answerer picked.
     */
    public static String answerWith(String sdp, List<Format> formats) {
        AudioSection audio = AudioSection.of(sdp);
        if (audio.mLine() == null || formats.isEmpty()) {
            return sdp;
        }
        String[] m = audio.mFields();
        StringBuilder line = new StringBuilder(m[0]).append(' ').append(m[1]).append(' ').append(m[2]);
        List<String> attrs = new ArrayList<>();
        for (Format f : formats) {
            line.append(' ').append(f.pt());
            if (f.rtpmap() != null) {
                attrs.add(f.rtpmap());
            }
            if (f.fmtp() != null) {
                attrs.add(f.fmtp());
            }
        }
        return replaceAudio(sdp, line.toString(), Set.of("a=rtpmap:", "a=fmtp:"), attrs);
    }

    /** The first audio stream's m= line replaced, lines with {@code drop} prefixes removed, {@code attrs} appended. */
    private static String replaceAudio(String sdp, String mLine, Set<String> drop, List<String> attrs) {
        StringBuilder out = new StringBuilder(sdp.length() + 128);
        boolean inAudio = false;
        boolean done = false;
        for (String line : AudioSection.lines(sdp)) {
            if (line.startsWith("m=")) {
                if (inAudio) {
                    attrs.forEach(a -> out.append(a).append(CRLF));
                    done = true;
                }
                inAudio = !done && line.startsWith("m=audio ");
                if (inAudio) {
                    line = mLine;
                }
            } else if (inAudio && drop != null && drop.stream().anyMatch(line::startsWith)) {
                continue;
            }
            out.append(line).append(CRLF);
        }
        if (inAudio) {
            attrs.forEach(a -> out.append(a).append(CRLF));
        }
        return out.toString();
    }

    private static Integer leadingNumber(String s) {
        String t = s.strip();
        int end = 0;
        while (end < t.length() && Character.isDigit(t.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 3) {
            return null;
        }
        return Integer.parseInt(t.substring(0, end));
    }

    private static int parseOr(String s, int fallback) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
