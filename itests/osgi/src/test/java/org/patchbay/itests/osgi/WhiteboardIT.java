package org.patchbay.itests.osgi;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
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
import org.osgi.framework.ServiceRegistration;
import org.patchbay.api.http.HttpContexts;

/**
 * A whiteboard servlet registered while Felix HTTP gets another servlet of the same context (what a lazily activated
 * component does when its activation registers servlets) is dropped by Felix (http.base 5.1.16
 * {@code ServletRegistry.addServlet}); in the public context the http bundle notices and re-publishes the context.
 * Checked over real HTTP at the first registration and after Jetty restarts (each port change rewrites
 * {@code org.apache.felix.http}); the exotel API, the servlet first seen dropped, must answer throughout.
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
        ServiceRegistration<Servlet> outer = context.registerService(Servlet.class, new Cascade(context),
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
     * getting thread, the last release unregisters it.
     */
    private static final class Cascade implements ServiceFactory<Servlet> {
        private final BundleContext context;
        private ServiceRegistration<Servlet> inner;

        Cascade(BundleContext context) {
            this.context = context;
        }

        @Override
        public synchronized Servlet getService(Bundle bundle, ServiceRegistration<Servlet> registration) {
            if (inner == null) {
                inner = context.registerService(Servlet.class, new Ok(), props("/race-inner/*", "itest-race-inner"));
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
