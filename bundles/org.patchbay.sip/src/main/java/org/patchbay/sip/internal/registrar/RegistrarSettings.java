package org.patchbay.sip.internal.registrar;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Validated expiry limits of the registrar, in seconds. */
record RegistrarSettings(int minExpires, int maxExpires, int defaultExpires) {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrarSettings.class);

    static RegistrarSettings of(RegistrarHandler.Config c) {
        int min = Math.max(1, c.min_expires());
        int max = c.max_expires();
        if (max < min) {
            LOG.error("{}: max.expires {} is below min.expires {}; using {}", RegistrarHandler.PID, max, min, min);
            max = min;
        }
        int def = Math.min(Math.max(c.default_expires(), min), max);
        if (def != c.default_expires()) {
            LOG.error("{}: default.expires {} is outside min.expires..max.expires; using {}", RegistrarHandler.PID,
                    c.default_expires(), def);
        }
        return new RegistrarSettings(min, max, def);
    }
}
