package org.patchbay.core.internal.call;

import java.util.List;

/**
 * Chooses the final status for the caller when every outgoing leg failed (RFC 3261 §16.7 in spirit): a 6xx wins,
 * else 486 when any callee was busy, else the lowest class, preferring the first such answer; 503 becomes 500 so the
 * caller does not take it for this node being overloaded.
 */
final class Outcome {
    private Outcome() {
    }

    static int select(List<Integer> codes) {
        if (codes.isEmpty()) {
            return 480;
        }
        for (int c : codes) {
            if (c >= 600) {
                return c;
            }
        }
        if (codes.contains(486)) {
            return 486;
        }
        int best = codes.get(0);
        for (int c : codes) {
            if (c / 100 < best / 100) {
                best = c;
            }
        }
        return best == 503 ? 500 : best;
    }

    /** The record's end reason for a call that failed with {@code code}. */
    static String reason(int code) {
        switch (code) {
            case 404:
            case 604:
                return "not-found";
            case 486:
            case 600:
                return "busy";
            case 480:
                return "unavailable";
            case 408:
                return "no-answer";
            case 487:
                return "cancelled";
            default:
                return code >= 500 && code < 600 ? "failed" : "rejected";
        }
    }

    /** Standard reason phrase for the codes the core produces itself. */
    static String phrase(int code) {
        switch (code) {
            case 404: return "Not Found";
            case 408: return "Request Timeout";
            case 480: return "Temporarily Unavailable";
            case 483: return "Too Many Hops";
            case 486: return "Busy Here";
            case 487: return "Request Terminated";
            case 491: return "Request Pending";
            case 500: return "Server Internal Error";
            case 503: return "Service Unavailable";
            case 600: return "Busy Everywhere";
            default: return "";
        }
    }
}
