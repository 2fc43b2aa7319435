package org.patchbay.itests.osgi;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import javax.inject.Inject;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.patchbay.api.http.HttpContexts;

/**
 * A whiteboard servlet registered while Felix HTTP gets another servlet of the same context (what a lazily activated
 * component does when its activation registers servlets) is dropped by Felix (http.base 5.1.16
 * {@code ServletRegistry.addServlet}); in the public context the http bundle notices and re-publishes the context.
 * Checked over real HTTP: at a registration on a running Jetty, across Jetty restarts (each port change rewrites
 * {@code org.apache.felix.http}; the exotel API, the servlet first seen dropped, must answer throughout), and when
 * the whiteboard first gets the servlet inside Jetty's start on the configuration thread (the flake's window).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardIT {

    /** The context under test; with Felix's "default" instead, /race-inner stays 404 (the bug). */
    private static final String CONTEXT = HttpContexts.PUBLIC;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return NodeOptions.node("whiteboard");
    }

    @Test
    public void aServletRegisteredWhileAnotherIsGotIsServedAcrossJettyRestarts() throws Exception {
        new Node(context).awaitHealthy(60_000);
        Path conf = Path.of(context.getProperty("patchbay.itest.conf"), "org.patchbay.http.cfg");
        int port = Integer.parseInt(context.getProperty("patchbay.itest.http"));
        ServiceRegistration<Servlet> outer = context.registerService(Servlet.class, new Cascade(context, "race"),
                props("/race-outer/*", "itest-race-outer"));
        try {
            for (int round = 0; round < 3; round++) {
                if (round > 0) {
                    int next = NodeOptions.freePort();
                    NodeOptions.write(conf, Map.of("host", "127.0.0.1", "port", "" + next, "https.enabled", "false"));
                    int old = port;
                    assertTrue("Jetty restarted on " + next, Node.waitFor(20_000, () -> status(next, "/health") > 0));
                    assertTrue("old port closed", Node.waitFor(10_000, () -> status(old, "/health") < 0));
                    port = next;
                }
                int p = port;
                String when = round == 0 ? "after registration" : "after Jetty restart " + round;
                assertTrue("outer served " + when, Node.waitFor(20_000, () -> status(p, "/race-outer/x") == 200));
                assertTrue("inner (registered while outer was got) served " + when,
                        Node.waitFor(20_000, () -> status(p, "/race-inner/x") == 200));
                assertTrue("exotel API served " + when,
                        Node.waitFor(20_000, () -> status(p, "/v1/Accounts/none/Calls/none") == 401));
            }
        } finally {
            outer.unregister();
        }
    }

    /**
     * The flake's own window: the whiteboard gets a servlet for the first time inside Jetty's start on the
     * configuration thread (at boot: the http bundle's first write of org.apache.felix.http). Felix HTTP is switched
     * off, the servlet registered, Felix HTTP switched on again.
     */
    @Test
    public void aServletFirstGotInsideJettysStartIsServed() throws Exception {
        new Node(context).awaitHealthy(60_000);
        ServiceReference<ConfigurationAdmin> ref = context.getServiceReference(ConfigurationAdmin.class);
        org.osgi.service.cm.Configuration felix = context.getService(ref).getConfiguration("org.apache.felix.http", "?");
        Dictionary<String, Object> serving = felix.getProperties();
        int port = Integer.parseInt(serving.get("org.osgi.service.http.port").toString());
        Hashtable<String, Object> off = new Hashtable<>();
        off.put("org.apache.felix.http.enable", false);
        off.put("org.apache.felix.https.enable", false);
        felix.update(off);
        assertTrue("Jetty stopped", Node.waitFor(10_000, () -> status(port, "/health") < 0));
        ServiceRegistration<Servlet> outer = context.registerService(Servlet.class, new Cascade(context, "boot"),
                props("/boot-outer/*", "itest-boot-outer"));
        try {
            felix.update(serving);
            assertTrue("Jetty started", Node.waitFor(20_000, () -> status(port, "/health") > 0));
            assertTrue("outer served", Node.waitFor(20_000, () -> status(port, "/boot-outer/x") == 200));
            assertTrue("inner (registered while Jetty's start got outer) served",
                    Node.waitFor(20_000, () -> status(port, "/boot-inner/x") == 200));
        } finally {
            outer.unregister();
            context.ungetService(ref);
        }
    }

    private static Hashtable<String, Object> props(String pattern, String name) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("osgi.http.whiteboard.servlet.pattern", pattern);
        p.put("osgi.http.whiteboard.servlet.name", name);
        p.put("osgi.http.whiteboard.context.select", "(osgi.http.whiteboard.context.name=" + CONTEXT + ")");
        return p;
    }

    private static int status(int port, String path) {
        try {
            return Node.get(port, path).status();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Behaves like a delayed DS component whose activation registers a servlet: getting it registers "inner" on the
     * getting thread, the last release unregisters it (Felix 5.1.16 never releases a whiteboard servlet: its
     * WhiteboardServletHandler.destroy ungets the already cleared field, so a Jetty restart does not get it again).
     */
    private static final class Cascade implements ServiceFactory<Servlet> {
        private final BundleContext context;
        private final String name;
        private ServiceRegistration<Servlet> inner;

        Cascade(BundleContext context, String name) {
            this.context = context;
            this.name = name;
        }

        @Override
        public synchronized Servlet getService(Bundle bundle, ServiceRegistration<Servlet> registration) {
            if (inner == null) {
                inner = context.registerService(Servlet.class, new Ok(),
                        props("/" + name + "-inner/*", "itest-" + name + "-inner"));
            }
            return new Ok();
        }

        @Override
        public synchronized void ungetService(Bundle bundle, ServiceRegistration<Servlet> registration,
                Servlet service) {
            if (inner != null) {
                try {
                    inner.unregister();
                } catch (IllegalStateException e) {
                    // gone with the test bundle
                }
                inner = null;
            }
        }
    }

    private static final class Ok extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setContentType("text/plain");
            res.getWriter().write("ok");
        }
    }
}
