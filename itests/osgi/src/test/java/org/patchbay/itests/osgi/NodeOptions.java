package org.patchbay.itests.osgi;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import org.ops4j.pax.exam.Option;

/**
 * The Pax Exam option set for a whole node: every bundle the distribution ships in {@code system/}
 * (except the interactive console), FileInstall watching a fresh {@code conf/} with free ports, and
 * the node's framework properties. Runs in the test driver before the framework starts, so whatever
 * the test needs inside OSGi travels as framework properties ({@code patchbay.itest.*}).
 */
final class NodeOptions {

    private NodeOptions() {
    }

    static Option[] node(String name) {
        Path work = Path.of(System.getProperty("itest.work"), name + "-" + System.nanoTime());
        Path conf = mkdirs(work.resolve("conf"));
        Path deploy = mkdirs(work.resolve("deploy"));
        Path data = mkdirs(work.resolve("data"));
        int[] ports = freePorts(7);
        int http = ports[0];
        int https = ports[1];
        int telnet = ports[2];
        write(conf.resolve("org.patchbay.http.cfg"), Map.of("host", "127.0.0.1", "port", "" + http, "https.port", "" + https));
        write(conf.resolve("org.patchbay.shell.telnet.cfg"), Map.of("port", "" + telnet));
        write(conf.resolve("org.patchbay.store.cfg"), Map.of());
        write(conf.resolve("org.patchbay.sip.cfg"), Map.of("host", "127.0.0.1", "udp.port", "" + ports[3],
                "tcp.port", "" + ports[3], "tls.port", "" + ports[4], "ws.port", "" + ports[5], "wss.port", "" + ports[6]));
        write(conf.resolve("org.patchbay.media.cfg"), Map.of("host", "127.0.0.1", "address", "127.0.0.1"));
        write(conf.resolve("org.patchbay.stun.cfg"), Map.of("address", "127.0.0.1", "port", "" + freePort()));
        write(conf.resolve("org.apache.felix.fileinstall-deploy.cfg"), Map.of(
                "felix.fileinstall.dir", deploy.toString(),
                "felix.fileinstall.filter", ".*\\\\.jar",
                "felix.fileinstall.poll", "300",
                "felix.fileinstall.start.level", "80",
                "felix.fileinstall.bundles.new.start", "true"));

        List<Option> options = new ArrayList<>();
        options.add(junitBundles());
        options.add(cleanCaches(true));
        options.add(frameworkStartLevel(100));
        for (File jar : systemBundles()) {
            options.add(bundle(jar.toURI().toString()).startLevel(startLevel(jar.getName())).start(!isFragment(jar)));
        }
        options.add(frameworkProperty("patchbay.home").value(work.toString()));
        options.add(frameworkProperty("patchbay.data").value(data.toString()));
        options.add(frameworkProperty("patchbay.version").value("itest"));
        options.add(frameworkProperty("org.apache.felix.http.enable").value("false"));
        options.add(frameworkProperty("org.apache.felix.https.enable").value("false"));
        options.add(frameworkProperty("felix.fileinstall.dir").value(conf.toString()));
        options.add(frameworkProperty("felix.fileinstall.filter").value(".*\\.(cfg|config)"));
        options.add(frameworkProperty("felix.fileinstall.poll").value("300"));
        options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        // conf/ belongs to the operator: write-back truncates a file the watcher may then read empty
        options.add(frameworkProperty("felix.fileinstall.enableConfigSave").value("false"));
        options.add(frameworkProperty("patchbay.itest.conf").value(conf.toString()));
        options.add(frameworkProperty("patchbay.itest.deploy").value(deploy.toString()));
        options.add(frameworkProperty("patchbay.itest.http").value("" + http));
        options.add(frameworkProperty("patchbay.itest.telnet").value("" + telnet));
        options.add(systemProperty("patchbay.itest.log").value(work.resolve("patchbay.log").toString()));
        options.add(frameworkProperty("patchbay.itest.log").value(work.resolve("patchbay.log").toString()));
        options.add(systemProperty("logback.configurationFile").value(
                new File("src/test/resources/itest-logback.xml").getAbsolutePath()));
        return options.toArray(new Option[0]);
    }

    static int freePort() {
        return freePorts(1)[0];
    }

    /** Distinct free ports: every probe socket stays open until all are chosen, so none repeats. */
    static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        // a probe socket that will not close keeps its port; nothing else to do
                    }
                }
            }
        }
    }

    static void write(Path file, Map<String, String> values) {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        try {
            Files.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<File> systemBundles() {
        File[] jars = new File(System.getProperty("itest.system")).listFiles((d, n) -> n.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException("no bundles in " + System.getProperty("itest.system") + ": build runtime first");
        }
        Arrays.sort(jars);
        // the interactive console is not wanted in a test JVM
        return Arrays.stream(jars).filter(f -> !f.getName().startsWith("org.apache.felix.gogo.jline")).toList();
    }

    /** SPI Fly must be running before anything loads SLF4J (STACK.md G4). */
    private static int startLevel(String jar) {
        if (jar.startsWith("org.apache.aries.spifly") || jar.startsWith("asm")) {
            return 1;
        }
        if (jar.startsWith("slf4j") || jar.startsWith("logback")) {
            return 2;
        }
        return 10;
    }

    private static boolean isFragment(File jar) {
        try (JarFile j = new JarFile(jar)) {
            return j.getManifest().getMainAttributes().getValue("Fragment-Host") != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path mkdirs(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
