package org.patchbay.media.internal.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an SDP body the relay reads: the session-level lines (before the first {@code m=}) and the first audio
 * stream (its {@code m=audio} line and the lines up to the next {@code m=}). Lines of other streams are left out.
 *
 * @param session session-level lines
 * @param mLine   the first {@code m=audio} line, or null when there is none
 * @param media   the lines of that stream after its m= line
 */
public record AudioSection(List<String> session, String mLine, List<String> media) {

    /** Splits {@code sdp} (CRLF or LF lines). */
    public static AudioSection of(String sdp) {
        List<String> session = new ArrayList<>();
        List<String> media = new ArrayList<>();
        String mLine = null;
        boolean inMedia = false;
        for (String line : lines(sdp)) {
            if (line.startsWith("m=")) {
                if (mLine != null) {
                    break;
                }
                inMedia = true;
                if (line.startsWith("m=audio ")) {
                    mLine = line;
                }
            } else if (!inMedia) {
                session.add(line);
            } else if (mLine != null) {
                media.add(line);
            }
        }
        return new AudioSection(List.copyOf(session), mLine, List.copyOf(media));
    }

    /** The fields of the m= line ({@code m=audio}, port, profile, formats...); empty when there is no audio. */
    public String[] mFields() {
        return mLine == null ? new String[0] : mLine.split("\\s+");
    }

    /** The formats (payload types) of the m= line, in order. */
    public List<String> formats() {
        String[] parts = mFields();
        List<String> f = new ArrayList<>();
        for (int i = 3; i < parts.length; i++) {
            f.add(parts[i]);
        }
        return f;
    }

    static String[] lines(String sdp) {
        return sdp.strip().split("\r?\n");
    }
}
