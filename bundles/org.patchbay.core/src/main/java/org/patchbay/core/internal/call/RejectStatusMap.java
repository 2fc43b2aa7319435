package org.patchbay.core.internal.call;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured {@code reject.status.map}: a callee's rejection with a given status and reason phrase counts as
 * another status, e.g. the Exotel WebSDK's {@code 480 4001} (busy in another call) as 486. Immutable.
 */
final class RejectStatusMap {
    private static final Logger LOG = LoggerFactory.getLogger(RejectStatusMap.class);
    private static final Pattern ENTRY = Pattern.compile("\\s*([3-6]\\d\\d)\\s+(.*?)\\s*=\\s*([3-6]\\d\\d)\\s*");

    /** Keys are {@code code + " " + phrase} with the phrase stripped and in lower case. */
    private final Map<String, Integer> map;

    private RejectStatusMap(Map<String, Integer> map) {
        this.map = map;
    }

    /** Parses 'code phrase=newcode' entries; a malformed one is skipped with one WARN line. */
    static RejectStatusMap parse(String[] entries) {
        Map<String, Integer> m = new HashMap<>();
        for (String e : entries == null ? new String[0] : entries) {
            Matcher x = ENTRY.matcher(e == null ? "" : e);
            if (x.matches() && !x.group(2).isEmpty()) {
                m.put(x.group(1) + " " + x.group(2).toLowerCase(Locale.ROOT), Integer.parseInt(x.group(3)));
            } else if (e != null && !e.isBlank()) {
                LOG.warn("calls: reject.status.map entry '{}' ignored: expected 'code phrase=newcode', e.g. '480 4001=486'",
                        e.strip());
            }
        }
        return new RejectStatusMap(Map.copyOf(m));
    }

    /** The status a callee's rejection {@code code}/{@code reason} counts as, else {@code code}. */
    int map(int code, String reason) {
        Integer mapped = map.get(code + " " + (reason == null ? "" : reason.strip().toLowerCase(Locale.ROOT)));
        return mapped == null ? code : mapped;
    }
}
