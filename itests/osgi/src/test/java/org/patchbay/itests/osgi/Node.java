package org.patchbay.itests.osgi;

import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.patchbay.api.health.HealthReport;
import org.patchbay.api.health.HealthService;

/**
 * What the ITs observe of a running node, always looked up fresh from the registry (services
 * injected once go stale when their bundle is updated).
 */
final class Node {

    private final BundleContext context;

    Node(BundleContext context) {
        this.context = context;
    }

    HealthReport health() {
        ServiceReference<HealthService> ref = context.getServiceReference(HealthService.class);
        if (ref == null) {
            return null;
        }
        HealthService s = context.getService(ref);
        try {
            return s == null ? null : s.report();
        } finally {
            context.ungetService(ref);
        }
    }

    void awaitHealthy(long millis) {
        if (!waitFor(millis, () -> health() != null && health().healthy())) {
            fail("node not healthy after " + millis + " ms: " + health());
        }
    }

    List<Bundle> patchbayBundles() {
        List<Bundle> list = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("org.patchbay.")) {
                list.add(b);
            }
        }
        return list;
    }

    Bundle bundle(String bsn) {
        return patchbayBundles().stream().filter(b -> b.getSymbolicName().equals(bsn)).findFirst().orElse(null);
    }

    /** The object classes a bundle has registered, e.g. {@code [org.patchbay.api.identity.Directory, …]}. */
    static List<String> servicesOf(Bundle b) {
        List<String> names = new ArrayList<>();
        ServiceReference<?>[] refs = b.getRegisteredServices();
        if (refs != null) {
            for (ServiceReference<?> r : refs) {
                names.add(String.join(",", (String[]) r.getProperty("objectClass")));
            }
        }
        names.sort(null);
        return names;
    }

    int serviceCount() throws Exception {
        ServiceReference<?>[] all = context.getAllServiceReferences(null, null);
        return all == null ? 0 : all.length;
    }

    static Set<String> threadNames() {
        Set<String> names = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.add(t.getName() + "#" + t.getId());
        }
        return names;
    }

    /** Open sockets of this JVM, from /proc/self/fd (Linux). */
    static long socketCount() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }

    /** Stops, re-installs from its jar, refreshes and starts a bundle, as an operator would. */
    void swap(Bundle b, boolean refresh) throws Exception {
        boolean fragment = isFragment(b);
        if (!fragment) {
            b.stop();
        }
        b.update();
        if (refresh || fragment) {
            CountDownLatch done = new CountDownLatch(1);
            context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(b), e -> {
                if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                    done.countDown();
                }
            });
            if (!done.await(30, TimeUnit.SECONDS)) {
                fail("refresh of " + b.getSymbolicName() + " did not complete");
            }
        }
        if (!fragment) {
            b.start();
        }
    }

    static boolean isFragment(Bundle b) {
        return (b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    /** A plain HTTP/1.1 GET over a socket: no client library threads or pooled connections. */
    static HttpAnswer get(int port, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            int body = text.indexOf("\r\n\r\n");
            return new HttpAnswer(status, body < 0 ? "" : text.substring(body + 4));
        }
    }

    static boolean answers(int port) {
        try {
            return get(port, "/health").status() > 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static boolean waitFor(long millis, BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    record HttpAnswer(int status, String body) {
    }
}
