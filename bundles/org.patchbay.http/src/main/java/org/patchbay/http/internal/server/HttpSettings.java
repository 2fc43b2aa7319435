package org.patchbay.http.internal.server;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The validated settings of PID {@value #PID}. Parsed from the raw configuration map rather than
 * through a typed-config proxy, so a bad value is reported with its key and nothing is applied.
 */
public record HttpSettings(String host, int port, boolean httpsEnabled, int httpsPort, String keystore,
        String keystorePassword, String keystoreType) {

    public static final String PID = "org.patchbay.http";

    public static final String HOST = "host";
    public static final String PORT = "port";
    public static final String HTTPS_ENABLED = "https.enabled";
    public static final String HTTPS_PORT = "https.port";
    public static final String KEYSTORE = "keystore";
    public static final String KEYSTORE_PASSWORD = "keystore.password";
    public static final String KEYSTORE_TYPE = "keystore.type";

    static final String DEFAULT_HOST = "0.0.0.0";
    static final int DEFAULT_PORT = 8080;
    static final int DEFAULT_HTTPS_PORT = 8443;
    static final String DEFAULT_KEYSTORE_TYPE = "PKCS12";

    // a host name or an IPv4/IPv6 literal; checked by shape only, never resolved here
    private static final Pattern HOST_SHAPE = Pattern.compile("[A-Za-z0-9.:_%\\[\\]-]{1,253}");

    /** Reads and checks every key; the first bad one aborts with an {@link InvalidSettingException}. */
    public static HttpSettings parse(Map<String, ?> config) throws InvalidSettingException {
        String host = string(config, HOST, DEFAULT_HOST);
        if (!HOST_SHAPE.matcher(host).matches()) {
            throw new InvalidSettingException(HOST, "'" + printable(host)
                    + "' is not a host name or IP address (use 0.0.0.0 for all IPv4 interfaces)");
        }
        int port = port(config, PORT, DEFAULT_PORT);
        boolean https = bool(config, HTTPS_ENABLED, true);
        int httpsPort = port(config, HTTPS_PORT, DEFAULT_HTTPS_PORT);
        if (https && httpsPort == port) {
            throw new InvalidSettingException(HTTPS_PORT, httpsPort + " is also the HTTP port; choose another");
        }
        String keystore = string(config, KEYSTORE, "");
        String password = string(config, KEYSTORE_PASSWORD, "");
        String type = string(config, KEYSTORE_TYPE, DEFAULT_KEYSTORE_TYPE).toUpperCase(Locale.ROOT);
        if (!type.equals("PKCS12") && !type.equals("JKS")) {
            throw new InvalidSettingException(KEYSTORE_TYPE, "'" + printable(type) + "' is not PKCS12 or JKS");
        }
        if (https && !keystore.isEmpty() && password.isEmpty()) {
            throw new InvalidSettingException(KEYSTORE_PASSWORD, "is required when 'keystore' is set");
        }
        return new HttpSettings(host, port, https, httpsPort, keystore, password, type);
    }

    /** A blank value means the default, so "key=" in a .cfg file behaves like a commented-out key. */
    private static String string(Map<String, ?> config, String key, String def) {
        Object v = config.get(key);
        return v == null || v.toString().isBlank() ? def : v.toString().strip();
    }

    private static int port(Map<String, ?> config, String key, int def) throws InvalidSettingException {
        Object v = config.get(key);
        if (v == null || v.toString().isBlank()) {
            return def;
        }
        long n;
        if (v instanceof Number num && !(v instanceof Double || v instanceof Float)) {
            n = num.longValue();
        } else {
            try {
                n = Long.parseLong(v.toString().strip());
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(key, "'" + printable(v.toString()) + "' is not a port number (1-65535)");
            }
        }
        if (n < 1 || n > 65535) {
            throw new InvalidSettingException(key, n + " is out of range 1-65535");
        }
        return (int) n;
    }

    private static boolean bool(Map<String, ?> config, String key, boolean def) throws InvalidSettingException {
        Object v = config.get(key);
        if (v == null || v.toString().isBlank()) {
            return def;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().strip().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new InvalidSettingException(key, "'" + printable(v.toString()) + "' is not true or false");
    }

    private static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** True when the host binds every interface, so a local probe goes to loopback. */
    public boolean wildcardHost() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    @Override
    public String toString() {
        return "HttpSettings[host=" + host + ", port=" + port + ", https=" + httpsEnabled + ", httpsPort=" + httpsPort
                + ", keystore=" + (keystore.isEmpty() ? "<generated>" : keystore) + ", type=" + keystoreType + "]";
    }
}
