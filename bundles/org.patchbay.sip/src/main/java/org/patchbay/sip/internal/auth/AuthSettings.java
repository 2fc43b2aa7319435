package org.patchbay.sip.internal.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.patchbay.api.identity.DigestAlgorithm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The validated configuration of {@link DigestAuthenticator}. */
record AuthSettings(List<DigestAlgorithm> algorithms, long nonceTtlMillis, int maxFailures, long windowMillis,
                    long cooldownMillis, List<String> scannerAgents, List<String> md5OnlyAgents, int maxTrackedNonces) {

    private static final Logger LOG = LoggerFactory.getLogger(AuthSettings.class);
    static final List<DigestAlgorithm> DEFAULT_ALGORITHMS = List.of(DigestAlgorithm.MD5, DigestAlgorithm.SHA_256);

    AuthSettings {
        algorithms = List.copyOf(algorithms);
        scannerAgents = List.copyOf(scannerAgents);
        md5OnlyAgents = List.copyOf(md5OnlyAgents);
    }

    static AuthSettings of(DigestAuthenticator.Config c) {
        return new AuthSettings(algorithms(c.algorithms()), c.nonce_ttl_seconds() * 1000L, c.max_failures(),
                c.failure_window_seconds() * 1000L, c.cooldown_seconds() * 1000L, lowerCaseList(c.scanner_agents()),
                lowerCaseList(c.md5_only_agents()), c.max_tracked_nonces());
    }

    /** Algorithm tokens in challenge order; unknown ones are logged and skipped, none at all gives the default. */
    static List<DigestAlgorithm> algorithms(String text) {
        List<DigestAlgorithm> list = new ArrayList<>();
        for (String token : split(text)) {
            DigestAlgorithm a = Digest.algorithm(token);
            if (a == null) {
                LOG.error("{}: algorithm '{}' is not one of MD5, SHA-256; ignored", DigestAuthenticator.PID, token);
            } else if (!list.contains(a)) {
                list.add(a);
            }
        }
        if (list.isEmpty()) {
            LOG.error("{}: no usable algorithm in '{}'; using MD5,SHA-256", DigestAuthenticator.PID, text);
            return DEFAULT_ALGORITHMS;
        }
        return list;
    }

    static List<String> lowerCaseList(String text) {
        return split(text).stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    private static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String s : text.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
        }
        return out;
    }
}
