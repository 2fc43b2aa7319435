package org.patchbay.api.node;

/**
 * Framework properties the launcher sets for every bundle ({@code BundleContext.getProperty}). When a
 * property is missing (a test framework), a bundle falls back to something harmless and says so.
 */
public final class NodeProperties {

    /** The distribution folder; relative paths in the configuration resolve against it. */
    public static final String HOME = "patchbay.home";

    /** The data folder: database, generated secrets and certificates, logs. */
    public static final String DATA = "patchbay.data";

    /** The node's version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static final String VERSION = "patchbay.version";

    private NodeProperties() {
    }
}
