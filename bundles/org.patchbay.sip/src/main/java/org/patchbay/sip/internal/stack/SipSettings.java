package org.patchbay.sip.internal.stack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The validated settings of PID {@value #PID}. Parsed from the raw configuration map (not a typed-config proxy) so a bad
 * value is reported with its key and nothing is applied. An empty string means "the default" everywhere, so {@code key=} in
 * a .cfg file behaves like a commented-out key.
 */
public record SipSettings(String host, String advertisedHost, String domain, List<String> aliases, boolean udpEnabled,
        int udpPort, boolean tcpEnabled, int tcpPort, boolean tlsEnabled, int tlsPort, String keystore,
        String keystorePassword, String keystoreType, int threads, int maxMessageSize, WsSettings ws) {

    public static final String PID = "org.patchbay.sip";

    static final String HOST = "host";
    static final String ADVERTISED_HOST = "advertised.host";
    static final String DOMAIN = "domain";
    static final String ALIASES = "aliases";
    static final String UDP_ENABLED = "udp.enabled";
    static final String UDP_PORT = "udp.port";
    static final String TCP_ENABLED = "tcp.enabled";
    static final String TCP_PORT = "tcp.port";
    static final String TLS_ENABLED = "tls.enabled";
    static final String TLS_PORT = "tls.port";
    static final String KEYSTORE = "keystore";
    static final String KEYSTORE_PASSWORD = "keystore.password";
    static final String KEYSTORE_TYPE = "keystore.type";
    static final String THREADS = "threads";
    static final String MAX_MESSAGE_SIZE = "max.message.size";

    static final String DEFAULT_HOST = "0.0.0.0";
    static final String DEFAULT_DOMAIN = "patchbay.local";
    static final int DEFAULT_PORT = 5060;
    static final int DEFAULT_TLS_PORT = 5061;
    static final int DEFAULT_THREADS = 8;
    static final int DEFAULT_MAX_MESSAGE_SIZE = 65536;

    private static final Pattern HOST_SHAPE = Pattern.compile("[A-Za-z0-9.:_%\\[\\]-]{1,253}");
    private static final Pattern DOMAIN_SHAPE =
            Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    public SipSettings {
        aliases = List.copyOf(aliases);
    }

    /** Defaults only: what a node with an empty configuration runs. */
    public static SipSettings defaults() {
        try {
            return parse(Map.of());
        } catch (InvalidSettingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads and checks every key; the first bad one aborts with an {@link InvalidSettingException}. */
    public static SipSettings parse(Map<String, ?> config) throws InvalidSettingException {
        String host = string(config, HOST, DEFAULT_HOST);
        if (!HOST_SHAPE.matcher(host).matches()) {
            throw new InvalidSettingException(HOST, "'" + printable(host)
                    + "' is not a host name or IP address (use 0.0.0.0 for all IPv4 interfaces)");
        }
        String advertised = string(config, ADVERTISED_HOST, "");
        if (!advertised.isEmpty() && !HOST_SHAPE.matcher(advertised).matches()) {
            throw new InvalidSettingException(ADVERTISED_HOST, "'" + printable(advertised) + "' is not a host name or IP address");
        }
        String domain = string(config, DOMAIN, DEFAULT_DOMAIN).toLowerCase(Locale.ROOT);
        if (!DOMAIN_SHAPE.matcher(domain).matches()) {
            throw new InvalidSettingException(DOMAIN, "'" + printable(domain) + "' is not a domain name");
        }
        List<String> aliases = new ArrayList<>();
        for (String a : list(config.get(ALIASES))) {
            if (!HOST_SHAPE.matcher(a).matches()) {
                throw new InvalidSettingException(ALIASES, "'" + printable(a) + "' is not a host name or IP address");
            }
            aliases.add(a.toLowerCase(Locale.ROOT));
        }
        boolean udp = bool(config, UDP_ENABLED, true);
        int udpPort = port(config, UDP_PORT, DEFAULT_PORT);
        boolean tcp = bool(config, TCP_ENABLED, true);
        int tcpPort = port(config, TCP_PORT, DEFAULT_PORT);
        boolean tls = bool(config, TLS_ENABLED, true);
        int tlsPort = port(config, TLS_PORT, DEFAULT_TLS_PORT);
        if (tls && tcp && tlsPort == tcpPort) {
            throw new InvalidSettingException(TLS_PORT, tlsPort + " is also the TCP port; choose another");
        }
        WsSettings ws = WsSettings.parse(config, tcp ? tcpPort : -1, tls ? tlsPort : -1);
        if (!udp && !tcp && !tls && !ws.any()) {
            throw new InvalidSettingException(UDP_ENABLED, "every transport is off; enable at least one");
        }
        String keystore = string(config, KEYSTORE, "");
        String password = string(config, KEYSTORE_PASSWORD, "");
        String type = string(config, KEYSTORE_TYPE, "PKCS12").toUpperCase(Locale.ROOT);
        if (!type.equals("PKCS12") && !type.equals("JKS")) {
            throw new InvalidSettingException(KEYSTORE_TYPE, "'" + printable(type) + "' is not PKCS12 or JKS");
        }
        if ((tls || ws.tlsNeeded()) && !keystore.isEmpty() && password.isEmpty()) {
            throw new InvalidSettingException(KEYSTORE_PASSWORD, "is required when 'keystore' is set");
        }
        int threads = integer(config, THREADS, DEFAULT_THREADS, 1, 256);
        int maxSize = integer(config, MAX_MESSAGE_SIZE, DEFAULT_MAX_MESSAGE_SIZE, 4096, 1 << 20);
        return new SipSettings(host, advertised, domain, aliases, udp, udpPort, tcp, tcpPort, tls, tlsPort, keystore,
                password, type, threads, maxSize, ws);
    }

    /** True when the TLS keystore is needed: SIP over TLS or a wss listener. */
    public boolean keystoreNeeded() {
        return tlsEnabled || ws.tlsNeeded();
    }

    /** True when the host binds every interface. */
    public boolean wildcardHost() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    static String string(Map<String, ?> config, String key, String def) {
        Object v = config.get(key);
        if (v instanceof String[] a) {
            v = a.length == 0 ? null : a[0];
        }
        return v == null || v.toString().isBlank() ? def : v.toString().strip();
    }

    static List<String> list(Object v) {
        if (v == null) {
            return List.of();
        }
        List<String> raw = new ArrayList<>();
        if (v instanceof String[] a) {
            raw.addAll(Arrays.asList(a));
        } else if (v instanceof Iterable<?> it) {
            it.forEach(o -> raw.add(String.valueOf(o)));
        } else {
            raw.add(v.toString());
        }
        List<String> out = new ArrayList<>();
        for (String s : raw) {
            for (String part : s.split("[,\\s]+")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    static int port(Map<String, ?> config, String key, int def) throws InvalidSettingException {
        return integer(config, key, def, 1, 65535);
    }

    static int integer(Map<String, ?> config, String key, int def, int min, int max)
            throws InvalidSettingException {
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
                throw new InvalidSettingException(key, "'" + printable(v.toString()) + "' is not a whole number ("
                        + min + "-" + max + ")");
            }
        }
        if (n < min || n > max) {
            throw new InvalidSettingException(key, n + " is out of range " + min + "-" + max);
        }
        return (int) n;
    }

    static boolean bool(Map<String, ?> config, String key, boolean def) throws InvalidSettingException {
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

    static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public String toString() {
        return "SipSettings[host=" + host + ", advertised=" + (advertisedHost.isEmpty() ? "<auto>" : advertisedHost)
                + ", domain=" + domain + ", udp=" + (udpEnabled ? udpPort : "off") + ", tcp=" + (tcpEnabled ? tcpPort : "off")
                + ", tls=" + (tlsEnabled ? tlsPort : "off") + ", keystore=" + (keystore.isEmpty() ? "<data/tls>" : keystore)
                + ", threads=" + threads + ", maxMessageSize=" + maxMessageSize + ", " + ws + "]";
    }

    /** A configuration value that cannot be used, with the key that holds it. */
    public static final class InvalidSettingException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String key;

        public InvalidSettingException(String key, String problem) {
            super("'" + key + "' " + problem);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }
}
