package org.patchbay.http.internal.server;

import java.io.IOException;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.patchbay.http.internal.tls.TlsKeystore;

/**
 * The configuration of Felix HTTP (PID {@value #PID}), which this bundle owns: Felix restarts Jetty
 * whenever it changes, so it is written only when its content differs.
 */
final class FelixHttpConfig {

    static final String PID = "org.apache.felix.http";

    // key names from org.apache.felix.http.jetty.internal.JettyConfig (jetty12 1.1.8)
    static final String HTTP_ENABLE = "org.apache.felix.http.enable";
    static final String HTTP_PORT = "org.osgi.service.http.port";
    static final String HOST = "org.apache.felix.http.host";
    static final String HTTPS_ENABLE = "org.apache.felix.https.enable";
    static final String HTTPS_PORT = "org.osgi.service.http.port.secure";
    static final String KEYSTORE = "org.apache.felix.https.keystore";
    static final String KEYSTORE_PASSWORD = "org.apache.felix.https.keystore.password";
    static final String KEY_PASSWORD = "org.apache.felix.https.keystore.key.password";
    static final String KEYSTORE_TYPE = "org.apache.felix.https.keystore.type";

    static final String FILEINSTALL_FILE = "felix.fileinstall.filename";
    /** Properties ConfigurationAdmin or FileInstall add by themselves; not part of the content. */
    private static final Set<String> BOOKKEEPING = Set.of("service.pid", "service.factoryPid", "service.bundleLocation",
            FILEINSTALL_FILE);

    private final ConfigurationAdmin configAdmin;

    FelixHttpConfig(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    /** The properties that make Jetty serve {@code s}; {@code tls} is null when HTTPS is off. */
    static Map<String, Object> serving(HttpSettings s, TlsKeystore tls) {
        Map<String, Object> p = new TreeMap<>();
        p.put(HTTP_ENABLE, Boolean.TRUE);
        p.put(HOST, s.host());
        p.put(HTTP_PORT, s.port());
        p.put(HTTPS_ENABLE, s.httpsEnabled());
        if (s.httpsEnabled()) {
            p.put(HTTPS_PORT, s.httpsPort());
            p.put(KEYSTORE, tls.path().toString());
            p.put(KEYSTORE_PASSWORD, tls.password());
            p.put(KEY_PASSWORD, tls.password());
            p.put(KEYSTORE_TYPE, tls.type());
        }
        return p;
    }

    /** The properties that make Jetty close every socket. */
    static Map<String, Object> disabled() {
        Map<String, Object> p = new TreeMap<>();
        p.put(HTTP_ENABLE, Boolean.FALSE);
        p.put(HTTPS_ENABLE, Boolean.FALSE);
        return p;
    }

    /**
     * Replaces the whole configuration with {@code wanted} unless it already holds exactly that.
     *
     * @return true when it was written (Jetty restarts), false when it was already current
     */
    boolean apply(Map<String, Object> wanted) throws IOException {
        // "?" (multi-location): the configuration is for Felix HTTP, not bound to this bundle
        Configuration c = configAdmin.getConfiguration(PID, "?");
        if (sameContent(c.getProperties(), wanted)) {
            return false;
        }
        c.update(new Hashtable<>(wanted));
        return true;
    }

    /** Whether the current configuration came from a file in conf/ (which FileInstall would overwrite). */
    String sourceFile() throws IOException {
        Configuration c = configAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> p = c.getProperties();
        Object file = p == null ? null : p.get(FILEINSTALL_FILE);
        return file == null ? null : file.toString();
    }

    static boolean sameContent(Dictionary<String, Object> current, Map<String, Object> wanted) {
        if (current == null) {
            return false;
        }
        Map<String, Object> content = new TreeMap<>();
        for (String key : Collections.list(current.keys())) {
            if (!BOOKKEEPING.contains(key)) {
                content.put(key, current.get(key));
            }
        }
        if (!content.keySet().equals(wanted.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : wanted.entrySet()) {
            if (!Objects.deepEquals(e.getValue(), content.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
