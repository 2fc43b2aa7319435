package org.patchbay.presence.internal.shell;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.presence.PresenceService;
import org.patchbay.api.presence.PresenceState;
import org.patchbay.api.presence.Publication;
import org.patchbay.api.store.Database;
import org.patchbay.presence.internal.core.PresenceStore;
import org.patchbay.presence.internal.core.PresenceStore.SubscriptionRow;

/** {@code pb:presence [user]} and {@code pb:subs}: composed presence, publications and live subscriptions. */
@Component(service = PresenceCommands.class)
@GogoCommand(scope = "pb", function = {"presence", "subs"})
public final class PresenceCommands {

    private final PresenceService presence;
    private final PresenceStore store;
    private final Clock clock = Clock.systemUTC();

    @Activate
    public PresenceCommands(@Reference PresenceService presence, @Reference Database database) {
        this.presence = presence;
        this.store = new PresenceStore(database.dataSource());
    }

    @Descriptor("list the presence of every user the node knows: user, basic, status, activities, note, source")
    public String presence() {
        List<PresenceState> all = presence.all();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-32s %-6s %-14s %-20s %-8s %s%n", "USER", "BASIC", "STATUS", "ACTIVITIES", "SOURCE",
                "NOTE"));
        for (PresenceState s : all) {
            row(sb, s);
        }
        sb.append(all.size()).append(all.size() == 1 ? " user" : " users");
        return sb.toString();
    }

    @Descriptor("show one user's composed presence and live publications (entity tag, seconds left)")
    public String presence(@Descriptor("user@domain") String user) {
        Aor aor;
        try {
            aor = Aor.parse(user);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pb:presence: " + e.getMessage());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-32s %-6s %-14s %-20s %-8s %s%n", "USER", "BASIC", "STATUS", "ACTIVITIES", "SOURCE",
                "NOTE"));
        row(sb, presence.presence(aor));
        List<Publication> pubs = presence.publications(aor);
        sb.append(pubs.size()).append(pubs.size() == 1 ? " publication" : " publications");
        Instant now = clock.instant();
        for (Publication p : pubs) {
            PresenceState s = p.state();
            sb.append(String.format("%n  etag %s: %s %s [%s] \"%s\" %d s left", p.id(), s.basic().pidf(), s.status(),
                    String.join(" ", s.activities()), s.note(),
                    Math.max(0, s.expires().getEpochSecond() - now.getEpochSecond())));
        }
        return sb.toString();
    }

    @Descriptor("list the live SIP subscriptions: event package, watcher, watched user, transport, seconds left")
    public String subs() throws SQLException {
        List<SubscriptionRow> rows = store.subscriptions();
        Instant now = clock.instant();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-9s %-32s %-32s %-5s %-22s %s%n", "EVENT", "WATCHER", "TARGET", "VIA", "SOURCE",
                "LEFT"));
        for (SubscriptionRow r : rows) {
            sb.append(String.format("%-9s %-32s %-32s %-5s %-22s %d s%n", r.event(), r.watcher(), r.target(),
                    r.transport(), r.source(), Math.max(0, r.expires().getEpochSecond() - now.getEpochSecond())));
        }
        sb.append(rows.size()).append(rows.size() == 1 ? " subscription" : " subscriptions");
        return sb.toString();
    }

    private static void row(StringBuilder sb, PresenceState s) {
        sb.append(String.format("%-32s %-6s %-14s %-20s %-8s %s%n", s.aor(), s.basic().pidf(), s.status(),
                s.activities().isEmpty() ? "-" : String.join(",", s.activities()), s.source(),
                s.note().isEmpty() ? "-" : s.note()));
    }
}
