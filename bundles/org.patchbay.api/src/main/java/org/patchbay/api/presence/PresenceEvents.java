package org.patchbay.api.presence;

/**
 * EventAdmin topics posted (asynchronously) by the presence core. Properties {@link #AOR}, {@link #BASIC} ({@code
 * open}/{@code closed}) and {@link #STATUS}.
 */
public final class PresenceEvents {
    /** A user's composed presence changed. */
    public static final String CHANGED = "org/patchbay/presence/CHANGED";
    public static final String ALL = "org/patchbay/presence/*";

    public static final String AOR = "aor";
    public static final String BASIC = "basic";
    public static final String STATUS = "status";

    private PresenceEvents() {
    }
}
