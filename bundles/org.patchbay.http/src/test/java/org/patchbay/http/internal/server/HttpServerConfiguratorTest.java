package org.patchbay.http.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

class HttpServerConfiguratorTest {

    private static final String FELIX = "org.apache.felix.http";

    @TempDir
    Path home;

    private final FakeConfigAdmin ca = new FakeConfigAdmin();
    private final AtomicInteger systemState = new AtomicInteger(Bundle.ACTIVE);
    private final int[] ports = freePorts(3);
    private final int port = ports[0];
    private final int httpsPort = ports[1];

    @Test
    void appliesValidConfigurationAndGeneratesKeystore() {
        new HttpServerConfigurator(context(), ca.service(), config(port, httpsPort));

        Map<String, Object> felix = ca.last();
        assertEquals(true, felix.get("org.apache.felix.http.enable"));
        assertEquals(port, felix.get("org.osgi.service.http.port"));
        assertEquals(httpsPort, felix.get("org.osgi.service.http.port.secure"));
        Path keystore = Path.of((String) felix.get("org.apache.felix.https.keystore"));
        assertEquals(home.resolve("data/tls/patchbay.p12"), keystore);
        assertTrue(Files.isRegularFile(keystore));
    }

    @Test
    void liveChangeRebindsOnlyWhenSomethingChanged() {
        HttpServerConfigurator c = new HttpServerConfigurator(context(), ca.service(), config(port, httpsPort));
        c.modified(config(port, httpsPort));
        assertEquals(1, ca.updates.size(), "same settings: Jetty is not restarted");

        int other = ports[2];
        c.modified(config(other, httpsPort));
        assertEquals(2, ca.updates.size());
        assertEquals(other, ca.last().get("org.osgi.service.http.port"));
    }

    @Test
    void invalidChangeKeepsPreviousSettings() {
        HttpServerConfigurator c = new HttpServerConfigurator(context(), ca.service(), config(port, httpsPort));
        Map<String, Object> bad = config(port, httpsPort);
        bad.put("port", "70000");
        c.modified(bad);
        Map<String, Object> clash = config(port, port);
        c.modified(clash);
        Map<String, Object> missingKeystore = config(port, httpsPort);
        missingKeystore.put("keystore", "conf/none.p12");
        missingKeystore.put("keystore.password", "x");
        c.modified(missingKeystore);

        assertEquals(1, ca.updates.size(), "nothing of an invalid configuration reaches Felix");
        assertEquals(port, ca.current.get(FELIX).get("org.osgi.service.http.port"));
    }

    @Test
    void invalidInitialConfigurationLeavesHttpOff() {
        Map<String, Object> bad = config(port, httpsPort);
        bad.put("https.enabled", "maybe");
        new HttpServerConfigurator(context(), ca.service(), bad);
        assertTrue(ca.updates.isEmpty());
    }

    @Test
    void deactivateSwitchesFelixHttpOff() {
        HttpServerConfigurator c = new HttpServerConfigurator(context(), ca.service(), config(port, httpsPort));
        c.deactivate();
        assertEquals(Map.of("org.apache.felix.http.enable", false, "org.apache.felix.https.enable", false), ca.last());
    }

    @Test
    void deactivateWaitsUntilThePortIsClosed() throws Exception {
        HttpServerConfigurator c = new HttpServerConfigurator(context(), ca.service(), config(port, httpsPort));
        ServerSocket stillOpen = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread closer = new Thread(() -> {
            sleep(400);
            close(stillOpen);
        });
        closer.start();
        long start = System.nanoTime();
        c.deactivate();
        long millis = (System.nanoTime() - start) / 1_000_000;
        closer.join();
        assertTrue(millis >= 300 && millis < 3000, "waited for the socket to close: " + millis + " ms");
    }

    @Test
    void frameworkShutdownKeepsTheSettingsForTheNextStart() throws Exception {
        HttpServerConfigurator c = new HttpServerConfigurator(context(), ca.service(), config(port, httpsPort));
        try (ServerSocket open = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            systemState.set(Bundle.STOPPING);
            long start = System.nanoTime();
            c.deactivate();
            assertTrue((System.nanoTime() - start) / 1_000_000 < 1000, "no waiting for Jetty");
        }
        assertEquals(1, ca.updates.size(), "Felix HTTP keeps the last good settings");
    }

    private Map<String, Object> config(int http, int https) {
        Map<String, Object> c = new HashMap<>();
        c.put("host", "127.0.0.1");
        c.put("port", String.valueOf(http));
        c.put("https.port", String.valueOf(https));
        return c;
    }

    private BundleContext context() {
        Bundle system = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (p, m, a) -> {
                    if (m.getName().equals("getState")) {
                        return systemState.get();
                    }
                    throw new UnsupportedOperationException("bundle." + m.getName());
                });
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getProperty" -> switch ((String) a[0]) {
                        case "patchbay.home" -> home.toString();
                        case "patchbay.data" -> home.resolve("data").toString();
                        default -> null;
                    };
                    case "getBundle" -> system;
                    default -> throw new UnsupportedOperationException("context." + m.getName());
                });
    }

    static int freePort() {
        return freePorts(1)[0];
    }

    /** Distinct free ports: every probe socket stays open until all are chosen, so none repeats. */
    static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    // keeps its port; nothing else to do
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(ServerSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
