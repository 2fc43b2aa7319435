package org.patchbay.launcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Start levels of the shipped bundles, from framework properties of the form
 * {@code patchbay.startlevel.<n>=<bsn>[,<bsn>...]} where a name ending in {@code *} matches a prefix,
 * and {@code patchbay.startlevel.default=<n>} for every other bundle. A bundle matching several
 * levels gets the lowest.
 *
 * <p>Why levels at all: SPI Fly must run before anything loads {@code org.slf4j.LoggerFactory}
 * (STACK.md G4), and logging and ConfigAdmin should be up before the components that use them.
 */
final class StartLevels {

    static final String PREFIX = "patchbay.startlevel.";
    static final String DEFAULT_KEY = PREFIX + "default";
    static final int FALLBACK_DEFAULT = 10;

    private record Rule(int level, String pattern) {
        boolean matches(String bsn) {
            return pattern.endsWith("*") ? bsn.startsWith(pattern.substring(0, pattern.length() - 1)) : bsn.equals(pattern);
        }
    }

    private final List<Rule> rules;
    private final int defaultLevel;

    private StartLevels(List<Rule> rules, int defaultLevel) {
        this.rules = rules;
        this.defaultLevel = defaultLevel;
    }

    static StartLevels from(Map<String, String> properties) {
        List<Rule> rules = new ArrayList<>();
        int defaultLevel = FALLBACK_DEFAULT;
        for (Map.Entry<String, String> entry : properties.entrySet()) {
            if (!entry.getKey().startsWith(PREFIX)) {
                continue;
            }
            if (entry.getKey().equals(DEFAULT_KEY)) {
                defaultLevel = level(entry.getKey(), entry.getValue());
                continue;
            }
            int level = level(entry.getKey(), entry.getKey().substring(PREFIX.length()));
            for (String pattern : entry.getValue().split(",")) {
                if (!pattern.isBlank()) {
                    rules.add(new Rule(level, pattern.trim()));
                }
            }
        }
        rules.sort(Comparator.comparingInt(Rule::level));
        return new StartLevels(List.copyOf(rules), defaultLevel);
    }

    int levelOf(String bsn) {
        if (bsn == null) {
            return defaultLevel;
        }
        return rules.stream().filter(rule -> rule.matches(bsn)).mapToInt(Rule::level).findFirst().orElse(defaultLevel);
    }

    private static int level(String key, String text) {
        try {
            int level = Integer.parseInt(text.trim());
            if (level < 1) {
                throw new IllegalStateException(key + ": a start level must be at least 1");
            }
            return level;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(key + ": not a start level: " + text, e);
        }
    }
}
