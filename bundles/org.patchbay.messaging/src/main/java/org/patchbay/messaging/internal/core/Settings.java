package org.patchbay.messaging.internal.core;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The validated configuration of the messaging service. */
record Settings(int maxBodyBytes, List<String> contentTypes, List<String> transientTypes, int ratePerMinute,
                int maxAttempts, Duration retryBase, Duration retention, Duration undeliveredRetention,
                Duration sweepInterval) {

    static Settings from(MessagingService.Config c) {
        return new Settings(clamp(c.max_body_bytes(), 1, 1_048_576), list(c.content_types()), list(c.transient_types()),
                Math.max(0, c.rate_per_minute()), clamp(c.max_attempts(), 1, 100),
                Duration.ofSeconds(clamp(c.retry_base_seconds(), 1, 3600)), Duration.ofDays(clamp(c.retention_days(), 1, 36500)),
                Duration.ofDays(clamp(c.undelivered_retention_days(), 1, 36500)),
                Duration.ofSeconds(clamp(c.sweep_interval_seconds(), 1, 3600)));
    }

    /** Whether {@code contentType} (parameters ignored) matches the allow-list; {@code text/*} matches any text type. */
    boolean allowed(String contentType) {
        return matches(contentTypes, contentType);
    }

    /** Relayed to online devices only, never stored (is-composing). */
    boolean isTransient(String contentType) {
        return matches(transientTypes, contentType);
    }

    /** The delay before attempt {@code attempts + 1}: base, 2 × base, 4 × base … capped at 10 minutes. */
    Duration backoff(int attempts) {
        long factor = 1L << Math.min(20, Math.max(0, attempts - 1));
        return Duration.ofMillis(Math.min(600_000, retryBase.toMillis() * factor));
    }

    private static boolean matches(List<String> patterns, String contentType) {
        String type = Cpim.baseType(contentType);
        for (String p : patterns) {
            if (p.equals(type) || p.equals("*/*") || (p.endsWith("/*") && type.startsWith(p.substring(0, p.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> list(String csv) {
        return csv == null ? List.of() : java.util.Arrays.stream(csv.split(",")).map(s -> s.strip().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).toList();
    }

    private static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }
}
