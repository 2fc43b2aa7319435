package org.patchbay.sip.internal.registrar;

import java.time.Clock;

import org.patchbay.api.location.LocationService;

/** A registrar with the default lifetimes, for tests in other packages. */
public final class Registrars {
    private Registrars() {
    }

    public static RegistrarHandler of(LocationService location) {
        return new RegistrarHandler(location, new RegistrarSettings(60, 7200, 3600), Clock.systemUTC());
    }
}
