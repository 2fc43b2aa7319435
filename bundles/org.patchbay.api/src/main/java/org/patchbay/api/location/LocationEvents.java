package org.patchbay.api.location;

/** EventAdmin topics posted (asynchronously) by the location service. Properties {@link #AOR} and {@link #CONTACT}. */
public final class LocationEvents {
    public static final String BOUND = "org/patchbay/location/BOUND";
    public static final String REFRESHED = "org/patchbay/location/REFRESHED";
    public static final String UNBOUND = "org/patchbay/location/UNBOUND";
    public static final String EXPIRED = "org/patchbay/location/EXPIRED";
    public static final String ALL = "org/patchbay/location/*";

    public static final String AOR = "aor";
    public static final String CONTACT = "contact";

    private LocationEvents() {
    }
}
