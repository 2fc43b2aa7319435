package org.patchbay.launcher;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** A real Felix framework on a cache folder, created the way the launcher creates it. */
final class EmbeddedFramework {

    private EmbeddedFramework() {
    }

    static Framework create(Path cache, Map<String, String> extra) throws Exception {
        Map<String, String> properties = new HashMap<>(extra);
        properties.put("org.osgi.framework.storage", cache.toString());
        properties.put("org.osgi.framework.storage.clean", "none");
        properties.put("felix.log.level", "0");
        Framework framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(properties);
        framework.init();
        return framework;
    }

    static void stop(Framework framework) throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }
}
