package org.patchbay.presence.internal.sip;

import java.util.List;
import java.util.Locale;

import org.patchbay.api.identity.Aor;

/**
 * Who may watch whom: a deny entry refuses; a user may always watch themselves; users of the target's domain may watch
 * it when {@code sameDomain}; an allow entry admits. Entries are {@code user@domain}, {@code @domain} or {@code *}.
 */
public record WatcherPolicy(boolean sameDomain, List<String> allow, List<String> deny) {

    public WatcherPolicy {
        allow = normalise(allow);
        deny = normalise(deny);
    }

    public boolean allows(Aor watcher, Aor target) {
        if (matches(deny, watcher)) {
            return false;
        }
        if (watcher.equals(target) || (sameDomain && watcher.domain().equals(target.domain()))) {
            return true;
        }
        return matches(allow, watcher);
    }

    private static boolean matches(List<String> entries, Aor watcher) {
        for (String e : entries) {
            if (e.equals("*") || e.equals("@" + watcher.domain())
                    || e.equals(watcher.user().toLowerCase(Locale.ROOT) + "@" + watcher.domain())) {
                return true;
            }
        }
        return false;
    }

    private static List<String> normalise(List<String> entries) {
        return entries == null ? List.of() : entries.stream().flatMap(s -> List.of(s.split("[,\\s]+")).stream())
                .map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    }
}
