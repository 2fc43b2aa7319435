package org.patchbay.__name__.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;

/** __description__ */
@Component(configurationPid = "org.patchbay.__name__", configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = HealthCheck.NAME + "=__name__")
@Designate(ocd = __Name__Component.Config.class)
public final class __Name__Component implements HealthCheck {

    @ObjectClassDefinition(name = "Patchbay __name__")
    public @interface Config {
        @AttributeDefinition(description = "Port to listen on", min = "1", max = "65535")
        int port() default 0;
    }

    @Activate
    public __Name__Component(Config config) {
        // take resources here; release every one of them in deactivate()
    }

    @Deactivate
    void deactivate() {
    }

    @Override
    public HealthResult check() {
        return HealthResult.up("__name__", "ok");
    }
}
