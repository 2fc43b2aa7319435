package org.patchbay.http.internal;

import java.nio.file.Path;

import org.osgi.framework.BundleContext;
import org.patchbay.api.node.NodeProperties;

/** Where the node keeps its files: framework properties {@code patchbay.home} and {@code patchbay.data}. */
public final class NodeDirectories {

    static final String HOME = NodeProperties.HOME;
    static final String DATA = NodeProperties.DATA;

    private NodeDirectories() {
    }

    /** The data directory; a folder under the temp directory when the launcher did not set one (tests). */
    public static Path data(BundleContext context) {
        String data = context.getProperty(DATA);
        if (data != null && !data.isBlank()) {
            return Path.of(data).toAbsolutePath();
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "patchbay-data").toAbsolutePath();
    }

    /** The node's home, against which relative paths in the configuration are resolved. */
    public static Path home(BundleContext context) {
        String home = context.getProperty(HOME);
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath();
        }
        return Path.of("").toAbsolutePath();
    }
}
