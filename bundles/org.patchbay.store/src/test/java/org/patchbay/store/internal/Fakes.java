package org.patchbay.store.internal;

import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;

/** Just enough of the OSGi types for the component, built from proxies. */
final class Fakes {

    private Fakes() {
    }

    /** A Config whose methods return {@code values} (keyed by method name) or their defaults. */
    static StoreComponent.Config config(Map<String, Object> values) {
        return (StoreComponent.Config) Proxy.newProxyInstance(Fakes.class.getClassLoader(),
                new Class<?>[] {StoreComponent.Config.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? "Config" + values : null;
                    }
                    Object v = values.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
                });
    }

    static BundleContext context(Map<String, String> frameworkProperties) {
        return (BundleContext) Proxy.newProxyInstance(Fakes.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty")) {
                        return frameworkProperties.get((String) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A bundle whose entries under any folder are the files of {@code root}/folder. */
    static Bundle bundle(String symbolicName, Path root) {
        return (Bundle) Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> symbolicName;
                    case "getVersion" -> new Version(1, 2, 3);
                    case "findEntries" -> findEntries(root, (String) args[0], (String) args[1]);
                    case "toString" -> symbolicName;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Like Bundle.findEntries: null when nothing matches. */
    private static Object findEntries(Path root, String folder, String pattern) {
        if (!"*.sql".equals(pattern)) {
            throw new UnsupportedOperationException(pattern);
        }
        java.util.List<URL> urls = new DirectoryScriptSource(root.resolve(folder.replaceFirst("^/", ""))).sqlFiles();
        return urls.isEmpty() ? null : Collections.enumeration(urls);
    }
}
