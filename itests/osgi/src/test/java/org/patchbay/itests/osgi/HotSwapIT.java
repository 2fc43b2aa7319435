package org.patchbay.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.messaging.MessageService;

/**
 * The hot swap contract (ARCHITECTURE.md §4): every Patchbay bundle can be stopped, updated from its
 * jar and started while the node runs; health comes back green, the bundle's services come back, the
 * node's data is intact, and no thread, socket or service is left behind.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return NodeOptions.node("hotswap");
    }

    @Test
    public void everyPatchbayBundleSurvivesStopUpdateStart() throws Exception {
        Node node = new Node(context);
        node.awaitHealthy(30_000);
        int httpPort = Integer.parseInt(context.getProperty("patchbay.itest.http"));
        Aor alice = Aor.parse("alice@swap.example");
        withDirectory(d -> d.create(alice, "swap secret 1", "Alice"));
        // a message for a user with no device stays queued in the store through every swap
        Aor bob = Aor.parse("bob@swap.example");
        withDirectory(d -> d.create(bob, "swap secret 2", "Bob"));
        assertTrue("MessageService present", Node.waitFor(10_000, () -> withMessages(m -> m) != null));
        long queued = withMessages(m -> m.submit(alice, bob, "text/plain", "queued across swaps".getBytes(java.nio.charset.StandardCharsets.UTF_8))).id();
        assertEquals(200, Node.get(httpPort, "/health").status());

        List<Bundle> bundles = node.patchbayBundles();
        assertTrue("expected the Patchbay bundles, got " + bundles, bundles.size() >= 6);
        // the API last: its importers (this probe too) stay on the old revision without a refresh
        bundles.sort(Comparator.comparing((Bundle b) -> b.getSymbolicName().equals("org.patchbay.api"))
                .thenComparing(Bundle::getSymbolicName));

        settle();
        Set<String> baseThreads = Node.threadNames();
        long baseSockets = Node.socketCount();
        int baseServices = node.serviceCount();

        for (Bundle b : bundles) {
            String bsn = b.getSymbolicName();
            List<String> services = Node.servicesOf(b);
            node.swap(b, !bsn.equals("org.patchbay.api"));
            Bundle now = node.bundle(bsn);
            assertEquals(bsn + " back in its state", Node.isFragment(now) ? Bundle.RESOLVED : Bundle.ACTIVE, now.getState());
            node.awaitHealthy(30_000);
            assertTrue(bsn + " services back: expected " + services + " got " + Node.servicesOf(now),
                    Node.waitFor(10_000, () -> Node.servicesOf(now).equals(services)));
            assertTrue("directory data intact after swapping " + bsn,
                    withDirectory(d -> d.find(alice).isPresent()));
            assertTrue("queued message intact after swapping " + bsn, Node.waitFor(10_000,
                    () -> Boolean.TRUE.equals(withMessages(m -> m.queued(bob, 10).stream().anyMatch(q -> q.id() == queued)))));
            assertTrue("HTTP /health answers 200 after swapping " + bsn,
                    Node.waitFor(10_000, () -> status(httpPort) == 200));
            assertNoLeaks(node, bsn, baseThreads, baseSockets, baseServices);
            System.out.printf("hot swap %-26s services %s; threads %d, sockets %d, services %d (baseline %d, %d, %d)%n",
                    bsn, services, Thread.getAllStackTraces().size(), Node.socketCount(), node.serviceCount(),
                    baseThreads.size(), baseSockets, baseServices);
        }
    }

    private void assertNoLeaks(Node node, String bsn, Set<String> baseThreads, long baseSockets, int baseServices)
            throws Exception {
        int baseCensus = threadCensus(baseThreads);
        boolean threadsBack = Node.waitFor(15_000, () -> threadCensus(Node.threadNames()) <= baseCensus);
        if (!threadsBack) {
            Set<String> extra = new TreeSet<>(Node.threadNames());
            extra.removeAll(baseThreads);
            fail("threads leaked by swapping " + bsn + ": " + baseThreads.size() + " before, "
                    + Thread.getAllStackTraces().size() + " after; new: " + extra);
        }
        assertTrue("sockets leaked by swapping " + bsn + ": " + baseSockets + " before, " + Node.socketCount() + " after",
                Node.waitFor(10_000, () -> sockets() <= baseSockets));
        assertTrue("services leaked by swapping " + bsn + ": " + baseServices + " before",
                Node.waitFor(10_000, () -> services(node) == baseServices));
        assertFalse(context.getBundle(0).getState() != Bundle.ACTIVE);
    }

    private static final java.util.regex.Pattern JETTY_POOL = java.util.regex.Pattern.compile("(qtp\\d+)-");

    /**
     * Threads, counting each Jetty QueuedThreadPool once: such a pool grows with load and its idle threads leave only
     * after a minute, so its size says nothing about a leak; a pool (or any other thread) left behind does.
     */
    private static int threadCensus(Set<String> names) {
        Set<String> pools = new java.util.HashSet<>();
        int others = 0;
        for (String name : names) {
            java.util.regex.Matcher m = JETTY_POOL.matcher(name);
            if (m.lookingAt()) {
                pools.add(m.group(1));
            } else {
                others++;
            }
        }
        return others + pools.size();
    }

    /** Let lazily started pools reach their steady size before taking the baseline. */
    private static void settle() throws InterruptedException {
        int last = -1;
        for (int i = 0; i < 40; i++) {
            int n = Thread.getAllStackTraces().size();
            if (n == last) {
                return;
            }
            last = n;
            Thread.sleep(250);
        }
    }

    private <T> T withDirectory(java.util.function.Function<Directory, T> work) {
        ServiceReference<Directory> ref = context.getServiceReference(Directory.class);
        assertTrue("Directory service present", ref != null);
        try {
            return work.apply(context.getService(ref));
        } finally {
            context.ungetService(ref);
        }
    }

    /** Runs {@code work} on the MessageService; false/null-safe while it is away (its bundle or the store restarting). */
    private <T> T withMessages(java.util.function.Function<MessageService, T> work) {
        ServiceReference<MessageService> ref = context.getServiceReference(MessageService.class);
        if (ref == null) {
            return null;
        }
        try {
            return work.apply(context.getService(ref));
        } catch (RuntimeException e) {
            return null;
        } finally {
            context.ungetService(ref);
        }
    }

    private static int status(int port) {
        try {
            return Node.get(port, "/health").status();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long sockets() {
        try {
            return Node.socketCount();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int services(Node node) {
        try {
            return node.serviceCount();
        } catch (Exception e) {
            return -1;
        }
    }
}
