package org.patchbay.presence.internal.core;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.patchbay.presence}, read by the presence core and by the SIP presence handler. */
@ObjectClassDefinition(name = "Patchbay presence", description = "PUBLISH/SUBSCRIBE timers and the watcher policy")
public @interface PresenceConfig {

    String PID = "org.patchbay.presence";

    @AttributeDefinition(name = "publish.min.expires", description = "Shortest PUBLISH expiry accepted (423 below)",
            min = "1")
    int publish_min_expires() default 60;

    @AttributeDefinition(name = "publish.max.expires", description = "Longest PUBLISH expiry granted", min = "1")
    int publish_max_expires() default 3600;

    @AttributeDefinition(name = "publish.default.expires", description = "PUBLISH expiry when none is asked", min = "1")
    int publish_default_expires() default 3600;

    @AttributeDefinition(name = "subscribe.min.expires", description = "Shortest SUBSCRIBE expiry accepted (423 below)",
            min = "1")
    int subscribe_min_expires() default 60;

    @AttributeDefinition(name = "subscribe.max.expires", description = "Longest SUBSCRIBE expiry granted", min = "1")
    int subscribe_max_expires() default 3600;

    @AttributeDefinition(name = "subscribe.default.expires", description = "SUBSCRIBE expiry when none is asked",
            min = "1")
    int subscribe_default_expires() default 3600;

    @AttributeDefinition(name = "watchers.same.domain", description = "Users may watch users of their own domain")
    boolean watchers_same_domain() default true;

    @AttributeDefinition(name = "watchers.allow",
            description = "Watchers allowed besides the same domain: user@domain, @domain or * (comma separated)")
    String[] watchers_allow() default {};

    @AttributeDefinition(name = "watchers.deny",
            description = "Watchers refused (403), checked first: user@domain, @domain or * (comma separated)")
    String[] watchers_deny() default {};

    @AttributeDefinition(name = "max.subscriptions", description = "Most live subscriptions the node serves", min = "1")
    int max_subscriptions() default 10000;
}
