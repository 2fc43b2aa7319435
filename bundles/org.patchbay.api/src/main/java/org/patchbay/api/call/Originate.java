package org.patchbay.api.call;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.patchbay.api.identity.Aor;

/**
 * A call the node places itself between two parties (click-to-call, third-party call control): {@link #first} is rung
 * first with an offer the media engine makes; when it answers, {@link #second} is rung and the two are bridged in the
 * media relay. Routing is the core's usual one (every binding of a user rings, the first to answer wins).
 *
 * @param first         who is rung first (e.g. the agent)
 * @param second        who is called once {@code first} answered
 * @param presented     the calling party both see (caller-id); its URI becomes the SIP From
 * @param ringSeconds   how long each party may ring, 0 for the core's ring timeout
 * @param maxSeconds    talk-time limit after both answered (the call then ends with reason {@code time-limit}), 0 for
 *                      none
 * @param firstHeaders  protocol extension headers for the legs towards {@code first}; only names starting with
 *                      {@code X-} are used (SIP: added to the INVITE)
 * @param secondHeaders the same for the legs towards {@code second}
 * @since 1.3
 */
public record Originate(Aor first, Aor second, Party presented, int ringSeconds, int maxSeconds,
                        Map<String, String> firstHeaders, Map<String, String> secondHeaders) {

    /** The name of the record's end reason when {@link #maxSeconds} ended the call. */
    public static final String TIME_LIMIT = "time-limit";

    private static final Pattern HEADER_NAME = Pattern.compile("(?i)X-[A-Za-z0-9][A-Za-z0-9-]{0,62}");

    public Originate {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        Objects.requireNonNull(presented, "presented");
        if (ringSeconds < 0 || maxSeconds < 0) {
            throw new IllegalArgumentException("negative ringSeconds or maxSeconds");
        }
        firstHeaders = headers(firstHeaders);
        secondHeaders = headers(secondHeaders);
    }

    /** Whether {@code name} is usable as an extension header name ({@code X-} and a token of at most 64). */
    public static boolean validHeaderName(String name) {
        return name != null && HEADER_NAME.matcher(name).matches();
    }

    private static Map<String, String> headers(Map<String, String> in) {
        if (in == null) {
            return Map.of();
        }
        for (Map.Entry<String, String> e : in.entrySet()) {
            if (!validHeaderName(e.getKey())) {
                throw new IllegalArgumentException("not an X- header name: " + e.getKey());
            }
            String v = e.getValue();
            if (v == null || v.length() > 256 || v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("bad value for header " + e.getKey());
            }
        }
        return Map.copyOf(in);
    }
}
