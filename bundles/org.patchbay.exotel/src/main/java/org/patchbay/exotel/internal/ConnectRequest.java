package org.patchbay.exotel.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.regex.Pattern;

import org.patchbay.api.identity.Aor;

/**
 * The parameters of {@code POST /v1/Accounts/<sid>/Calls/connect}, checked: {@code From}, {@code To}, {@code CallerId}
 * (mandatory), {@code TimeLimit} (1–14400 s), {@code TimeOut} (1–600 s), {@code StatusCallback} (http or https URL),
 * {@code CustomField} (at most 128 characters). {@code CallType} and Exotel's other parameters are accepted and
 * ignored.
 *
 * @param timeLimit 0 when not given
 * @param timeOut   0 when not given
 */
record ConnectRequest(Aor from, Aor to, String fromText, String toText, String callerId, int timeLimit, int timeOut,
                      String statusCallback, String customField) {

    static final int MAX_TIME_LIMIT = 14_400;
    static final int MAX_TIME_OUT = 600;
    private static final Pattern CALLER_ID = Pattern.compile("[+A-Za-z0-9._-]{1,64}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9+._~!$&'()*,;=%-]{1,64}");

    /**
     * @param domain the SIP domain of a {@code From}/{@code To} given without one (a bare user or number), or blank
     * @throws ApiError 400 naming the first bad parameter
     */
    static ConnectRequest parse(Map<String, String> p, String domain) throws ApiError {
        String fromText = required(p, "From", 330);
        String toText = required(p, "To", 330);
        String callerId = required(p, "CallerId", 64);
        if (!CALLER_ID.matcher(callerId).matches()) {
            throw new ApiError(400, "CallerId must be a phone number or ExoPhone (digits, letters, + . _ -)");
        }
        Aor from = party("From", fromText, domain);
        Aor to = party("To", toText, domain);
        int timeLimit = seconds(p, "TimeLimit", MAX_TIME_LIMIT);
        int timeOut = seconds(p, "TimeOut", MAX_TIME_OUT);
        String callback = p.get("StatusCallback");
        if (callback != null && !callback.isBlank()) {
            callback = callback.strip();
            if (!httpUrl(callback)) {
                throw new ApiError(400, "StatusCallback must be an absolute http or https URL");
            }
        } else {
            callback = null;
        }
        String custom = p.get("CustomField");
        if (custom != null && custom.length() > 128) {
            throw new ApiError(400, "CustomField is longer than 128 characters");
        }
        return new ConnectRequest(from, to, fromText, toText, callerId, timeLimit, timeOut, callback,
                custom == null || custom.isEmpty() ? null : custom);
    }

    private static String required(Map<String, String> p, String name, int max) throws ApiError {
        String v = p.get(name);
        if (v == null || v.isBlank()) {
            throw new ApiError(400, "Missing parameter " + name);
        }
        v = v.strip();
        if (v.length() > max) {
            throw new ApiError(400, name + " is longer than " + max + " characters");
        }
        return v;
    }

    /** {@code sip:user@domain}, {@code user@domain}, or a bare user/number in {@code domain}. */
    static Aor party(String name, String text, String domain) throws ApiError {
        String t = text.regionMatches(true, 0, "sip:", 0, 4) ? text.substring(4) : text;
        int semi = t.indexOf(';');
        if (semi >= 0) {
            t = t.substring(0, semi);
        }
        if (!t.contains("@")) {
            if (domain == null || domain.isBlank()) {
                throw new ApiError(400, name + " needs a domain (user@domain): no default SIP domain is configured");
            }
            t = t + "@" + domain.strip();
        }
        String user = t.substring(0, t.indexOf('@'));
        if (!USER.matcher(user).matches()) {
            throw new ApiError(400, name + " is not a user or number: " + clip(text));
        }
        try {
            return Aor.parse(t);
        } catch (RuntimeException e) {
            throw new ApiError(400, name + " is not a user or number: " + clip(text));
        }
    }

    private static int seconds(Map<String, String> p, String name, int max) throws ApiError {
        String v = p.get(name);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiError(400, name + " must be a whole number of seconds from 1 to " + max);
    }

    static boolean httpUrl(String s) {
        if (s.length() > 2048) {
            return false;
        }
        try {
            URI u = new URI(s);
            String scheme = u.getScheme();
            return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && u.getHost() != null
                    && !u.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String clip(String s) {
        String c = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return c.replaceAll("[\\p{Cntrl}]", "?");
    }
}
