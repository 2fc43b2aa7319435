package org.patchbay.api.presence;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.patchbay.api.identity.Aor;

/**
 * A user's presence: published by an adapter, or composed by the node from what it knows.
 *
 * @param aor        whose presence
 * @param basic      PIDF basic status: {@link Basic#OPEN} (willing and able to communicate) or {@link Basic#CLOSED}
 * @param status     one word for people and phones: {@code available}, {@code away}, {@code busy},
 *                   {@code on-the-phone}, {@code offline}, {@code unavailable} …
 * @param activities RPID activities (RFC 4480) such as {@code away}, {@code on-the-phone}, {@code meeting}; may be empty
 * @param note       free text from the user, or empty
 * @param source     where it came from: {@code node} (composed from registrations and calls), {@code sip}, a vendor name
 * @param updated    when it was published or composed
 * @param expires    when a publication lapses unless refreshed, or null (composed states do not expire)
 */
public record PresenceState(Aor aor, Basic basic, String status, List<String> activities, String note, String source,
                            Instant updated, Instant expires) {

    /** PIDF basic status (RFC 3863). */
    public enum Basic {
        OPEN, CLOSED;

        /** {@code open} or {@code closed}, as PIDF writes it. */
        public String pidf() {
            return this == OPEN ? "open" : "closed";
        }
    }

    public static final String AVAILABLE = "available";
    public static final String AWAY = "away";
    public static final String BUSY = "busy";
    public static final String ON_THE_PHONE = "on-the-phone";
    public static final String OFFLINE = "offline";
    public static final String UNAVAILABLE = "unavailable";

    public PresenceState {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(basic, "basic");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updated, "updated");
        activities = activities == null ? List.of() : List.copyOf(activities);
        note = note == null ? "" : note;
        source = source == null ? "" : source;
    }

    /** True when both say the same thing (times and source aside): what decides whether watchers hear of a change. */
    public boolean sameAs(PresenceState other) {
        return other != null && aor.equals(other.aor) && basic == other.basic && status.equals(other.status)
                && activities.equals(other.activities) && note.equals(other.note);
    }

    /** The same state with another source and other times. */
    public PresenceState as(String newSource, Instant newUpdated, Instant newExpires) {
        return new PresenceState(aor, basic, status, activities, note, newSource, newUpdated, newExpires);
    }
}
