package org.patchbay.media.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;

/** Media engine: RTP/RTCP relay anchoring every call, STUN/ICE-lite, DTLS-SRTP, SRTP, codecs, DTMF */
@Component(configurationPid = "org.patchbay.media", configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = HealthCheck.NAME + "=media")
@Designate(ocd = MediaComponent.Config.class)
public final class MediaComponent implements HealthCheck {

    @ObjectClassDefinition(name = "Patchbay media")
    public @interface Config {
        @AttributeDefinition(description = "Port to listen on", min = "1", max = "65535")
        int port() default 0;
    }

    @Activate
    public MediaComponent(Config config) {
        // take resources here; release every one of them in deactivate()
    }

    @Deactivate
    void deactivate() {
    }

    @Override
    public HealthResult check() {
        return HealthResult.up("media", "ok");
    }
}
