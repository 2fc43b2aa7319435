package org.patchbay.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * The node's home, data folder, version and the framework properties it starts with, read from
 * {@code conf/framework.properties}.
 *
 * <p>Values may refer to {@code ${patchbay.home}}, {@code ${patchbay.data}}, {@code ${patchbay.version}},
 * to other keys of the file and to system properties. A system property given on the command line
 * ({@code -Dkey=value}) overrides the key of the same name in the file; system properties whose name
 * starts with one of {@link #PASSED_PREFIXES} are passed to the framework as well.
 */
final class LauncherConfig {

    // the names bundles read through org.patchbay.api.node.NodeProperties
    static final String HOME = "patchbay.home";
    static final String DATA = "patchbay.data";
    static final String VERSION = "patchbay.version";
    static final String GOSH_ARGS = "gosh.args";
    /** G7: without a terminal, Gogo must neither read stdin nor stop the framework when its script ends. */
    static final String HEADLESS_GOSH_ARGS = "--noshutdown --nointeractive";
    /** The console keeps no ~/.gogo.history: pb:useradd and pb:passwd lines carry passwords. */
    static final String CONSOLE_GOSH_ARGS = "--nohistory";
    static final String BEGINNING_START_LEVEL = "org.osgi.framework.startlevel.beginning";
    static final List<String> PASSED_PREFIXES = List.of("felix.", "org.osgi.framework.", "gosh.", "ds.", "patchbay.");

    private static final String FRAMEWORK_PROPERTIES = "conf/framework.properties";
    private static final String VERSION_RESOURCE = "version.properties";
    private static final int MAX_SUBSTITUTION_DEPTH = 10;

    private final Path home;
    private final Path data;
    private final String version;
    private final boolean console;
    private final Map<String, String> frameworkProperties;

    private LauncherConfig(Path home, Path data, String version, boolean console, Map<String, String> properties) {
        this.home = home;
        this.data = data;
        this.version = version;
        this.console = console;
        this.frameworkProperties = properties;
    }

    static LauncherConfig load(boolean console) throws IOException {
        Path home = findHome();
        Path data = Paths.get(System.getProperty(DATA, home.resolve("data").toString())).toAbsolutePath().normalize();
        String version = readVersion();
        Map<String, String> fixed = Map.of(HOME, home.toString(), DATA, data.toString(), VERSION, version);

        Map<String, String> raw = read(home.resolve(FRAMEWORK_PROPERTIES));
        System.getProperties().stringPropertyNames().stream()
                .filter(key -> raw.containsKey(key) || PASSED_PREFIXES.stream().anyMatch(key::startsWith))
                .forEach(key -> raw.put(key, System.getProperty(key)));

        Map<String, String> properties = new HashMap<>();
        UnaryOperator<String> lookup = key -> fixed.containsKey(key) ? fixed.get(key)
                : raw.containsKey(key) ? raw.get(key) : System.getProperty(key);
        raw.forEach((key, value) -> properties.put(key, substitute(value, lookup)));
        properties.putAll(fixed);
        // Jetty binds nothing until org.patchbay.http configures the org.apache.felix.http PID.
        properties.put("org.apache.felix.http.enable", "false");
        properties.put("org.apache.felix.https.enable", "false");
        if (System.getProperty(GOSH_ARGS) == null) {
            if (console) {
                properties.put(GOSH_ARGS, CONSOLE_GOSH_ARGS);
            } else {
                properties.put(GOSH_ARGS, HEADLESS_GOSH_ARGS);
            }
        }
        return new LauncherConfig(home, data, version, console, properties);
    }

    /** {@code -Dpatchbay.home}, else the parent of the {@code lib/} folder holding the launcher jar. */
    static Path findHome() throws IOException {
        String configured = System.getProperty(HOME);
        if (configured != null) {
            return Paths.get(configured).toRealPath();
        }
        try {
            Path jar = Paths.get(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.toRealPath().getParent().getParent();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot find the launcher jar; set -D" + HOME, e);
        }
    }

    static String substitute(String value, UnaryOperator<String> lookup) {
        String result = value;
        for (int depth = 0; depth < MAX_SUBSTITUTION_DEPTH && result.contains("${"); depth++) {
            result = substituteOnce(result, lookup);
        }
        return result;
    }

    private static String substituteOnce(String value, UnaryOperator<String> lookup) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (true) {
            int start = value.indexOf("${", from);
            int end = start < 0 ? -1 : value.indexOf('}', start);
            if (end < 0) {
                return out.append(value, from, value.length()).toString();
            }
            String replacement = lookup.apply(value.substring(start + 2, end));
            out.append(value, from, start).append(replacement == null ? value.substring(start, end + 1) : replacement);
            from = end + 1;
        }
    }

    private static Map<String, String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is missing");
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> map.put(key, properties.getProperty(key).trim()));
        return map;
    }

    private static String readVersion() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = LauncherConfig.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                throw new IOException(VERSION_RESOURCE + " is missing from the launcher jar");
            }
            properties.load(in);
        }
        return properties.getProperty("version", "unknown");
    }

    /**
     * Logback, java.util.logging and the logback.xml substitutions read system properties, not
     * framework properties. Must run before anything touches java.util.logging.
     */
    void exportSystemProperties() {
        System.setProperty(HOME, home.toString());
        System.setProperty(DATA, data.toString());
        System.setProperty(VERSION, version);
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", home.resolve("conf/logback.xml").toString());
        }
        // SLF4J initialises on the log bridge's thread while the boot goes on (see org.patchbay.logbridge);
        // its notice about replaying the few calls made meanwhile is expected, not a problem.
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
        Path jul = home.resolve("conf/jul.properties");
        if (System.getProperty("java.util.logging.config.file") == null && Files.isRegularFile(jul)) {
            System.setProperty("java.util.logging.config.file", jul.toString());
        }
    }

    Path home() {
        return home;
    }

    Path data() {
        return data;
    }

    Path systemDir() {
        return home.resolve("system");
    }

    String version() {
        return version;
    }

    boolean console() {
        return console;
    }

    /** A fresh copy: the framework keeps the map it is given. */
    Map<String, String> frameworkProperties() {
        return new HashMap<>(frameworkProperties);
    }

    int finalStartLevel() {
        String level = frameworkProperties.getOrDefault(BEGINNING_START_LEVEL, "1");
        try {
            return Integer.parseInt(level);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(BEGINNING_START_LEVEL + " is not a number: " + level, e);
        }
    }
}
