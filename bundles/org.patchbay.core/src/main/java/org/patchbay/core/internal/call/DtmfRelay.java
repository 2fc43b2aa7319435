package org.patchbay.core.internal.call;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import org.patchbay.api.call.LegSignal;

/**
 * One digit of a SIP INFO {@code application/dtmf-relay} body ({@code Signal=5}, {@code Duration=160}), what the
 * Exotel and Expertflow SDKs and many phones send.
 *
 * @param digit          0-9, *, #, A-D (upper case)
 * @param durationMillis clamped to 40..5000 ms; 250 when absent or unreadable
 */
record DtmfRelay(char digit, int durationMillis) {
    static final String CONTENT_TYPE = "application/dtmf-relay";
    private static final int DEFAULT_DURATION = 250;

    /** The digit an INFO carries, or empty when it is not a dtmf-relay body with one valid digit. */
    static Optional<DtmfRelay> parse(LegSignal.Info info) {
        if (!CONTENT_TYPE.equalsIgnoreCase(info.contentType().strip())) {
            return Optional.empty();
        }
        char digit = 0;
        int duration = DEFAULT_DURATION;
        for (String line : new String(info.body(), StandardCharsets.UTF_8).split("\r?\n")) {
            int eq = line.indexOf('=');
            String key = eq < 0 ? "" : line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : line.substring(eq + 1).strip();
            if (key.equals("signal") && value.length() == 1) {
                digit = Character.toUpperCase(value.charAt(0));
            } else if (key.equals("duration")) {
                try {
                    duration = Math.max(40, Math.min(5000, Integer.parseInt(value)));
                } catch (NumberFormatException e) {
                    duration = DEFAULT_DURATION;
                }
            }
        }
        return digit != 0 && "0123456789*#ABCD".indexOf(digit) >= 0
                ? Optional.of(new DtmfRelay(digit, duration)) : Optional.empty();
    }
}
