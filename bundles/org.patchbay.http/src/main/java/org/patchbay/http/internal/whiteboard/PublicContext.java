package org.patchbay.http.internal.whiteboard;

import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;
import org.patchbay.api.http.HttpContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the public servlet context {@value HttpContexts#PUBLIC} at {@code /} and keeps every servlet that selects
 * it served.
 *
 * <p>Why: Felix HTTP (http.base 5.1.16, {@code ServletRegistry.addServlet}) gets a servlet service while holding
 * copies of its context's servlet table; when getting that service registers another servlet in the same context on
 * the same thread (a DS component activated lazily, whose activation registers servlets), the nested registration is
 * overwritten when the outer one completes. The dropped servlet is answered 404 for good: Felix believes it is
 * registered, and the runtime DTOs list it neither as served nor as failed. Felix's built-in {@code default} context
 * cannot be re-published by anyone; this one can. After any change (servlet services, the HTTP runtime), a check run
 * 1 s later compares the servlet services selecting this context with the runtime DTOs. A servlet missing twice in a
 * row gets the context re-published make-before-break: a second registration with a higher service ranking shadows
 * the first, so Felix registers every servlet of the context into it (getting each service again while the old
 * registration still holds it: nothing is deactivated and re-activated, so no new cascade), then the old registration
 * is unregistered. At most {@value #MAX_REPAIRS} repairs in a row, then one ERROR line, the health check degraded, and
 * no more repairs while the same servlets are missing.
 */
// immediate: the context must exist whether or not anyone reads its health check
@Component(service = HealthCheck.class, immediate = true, property = HealthCheck.NAME + "=" + PublicContext.CHECK)
public final class PublicContext implements HealthCheck {

    /** Health check name: degraded while a servlet of the context is not served after the repairs. */
    static final String CHECK = "http-public-context";

    static final String CONTEXT_SELECT = "osgi.http.whiteboard.context.select";
    static final String TARGET = "osgi.http.whiteboard.target";
    static final int MAX_REPAIRS = 3;
    private static final long CHECK_DELAY_MILLIS = 1000;
    private static final String SERVLETS = "(&(" + Constants.OBJECTCLASS + "=jakarta.servlet.Servlet)"
            + "(|(osgi.http.whiteboard.servlet.pattern=*)(osgi.http.whiteboard.servlet.errorPage=*)))";
    private static final Logger LOG = LoggerFactory.getLogger(PublicContext.class);

    private final BundleContext context;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean checkQueued = new AtomicBoolean();
    private final ServiceTracker<Object, ServiceReference<Object>> servlets;
    private final ServiceTracker<HttpServiceRuntime, ServiceReference<HttpServiceRuntime>> runtimes;
    private volatile ServiceRegistration<ServletContextHelper> registration;
    // executor thread only (and the constructor)
    private int ranking;
    private Set<Long> suspects = Set.of();
    private int repairs;
    private Set<Long> gaveUpOn = Set.of();
    /** What the last check gave up on; empty when everything is served. */
    private volatile String givenUp = "";

    @Activate
    public PublicContext(BundleContext context) throws InvalidSyntaxException {
        this.context = context;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pb-http-whiteboard-check");
            t.setDaemon(true);
            return t;
        });
        this.registration = register();
        // references only: getting a servlet service would activate its component
        this.servlets = new ServiceTracker<>(context, context.createFilter(SERVLETS), new Trigger<>());
        this.runtimes = new ServiceTracker<>(context, HttpServiceRuntime.class, new Trigger<>());
        servlets.open(true);
        runtimes.open();
        queueCheck();
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        servlets.close();
        runtimes.close();
        unregister(registration);
        registration = null;
    }

    private ServiceRegistration<ServletContextHelper> register() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, ranking);
        props.put("osgi.http.whiteboard.context.name", HttpContexts.PUBLIC);
        props.put("osgi.http.whiteboard.context.path", "/");
        // one helper per bundle using the context, so getResource looks into that bundle (like Felix's default)
        return context.registerService(ServletContextHelper.class, new ServiceFactory<ServletContextHelper>() {
            @Override
            public ServletContextHelper getService(Bundle bundle, ServiceRegistration<ServletContextHelper> r) {
                return new ServletContextHelper(bundle) {
                };
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<ServletContextHelper> r,
                    ServletContextHelper service) {
                // nothing held
            }
        }, props);
    }

    private static void unregister(ServiceRegistration<?> r) {
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // gone with the bundle
            }
        }
    }

    private void queueCheck() {
        if (checkQueued.compareAndSet(false, true)) {
            try {
                executor.schedule(this::reconcile, CHECK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // deactivating
            }
        }
    }

    private void reconcile() {
        checkQueued.set(false);
        try {
            Map<Long, String> missing = unserved();
            if (repairs > MAX_REPAIRS && !missing.keySet().equals(gaveUpOn)) {
                repairs = 0; // other servlets missing now: they get their repairs
                givenUp = "";
            }
            if (missing.isEmpty()) {
                suspects = Set.of();
                repairs = 0;
                givenUp = "";
            } else if (!missing.keySet().equals(suspects)) {
                // maybe the runtime is still (re)starting: confirm with the next check
                suspects = Set.copyOf(missing.keySet());
                queueCheck();
            } else if (repairs < MAX_REPAIRS) {
                repairs++;
                LOG.warn("HTTP whiteboard: {} selecting context {} not served by the HTTP runtime; re-publishing the "
                        + "context (repair {} of {})", missing.values(), HttpContexts.PUBLIC, repairs, MAX_REPAIRS);
                republish();
                suspects = Set.of();
                queueCheck();
            } else if (repairs == MAX_REPAIRS) {
                repairs++;
                gaveUpOn = Set.copyOf(missing.keySet());
                givenUp = missing.values().toString();
                LOG.error("HTTP whiteboard: {} selecting context {} still not served after {} repairs; no more repairs "
                        + "while these are missing", missing.values(), HttpContexts.PUBLIC, MAX_REPAIRS);
            }
        } catch (RuntimeException e) {
            LOG.warn("HTTP whiteboard: check of context {} failed: {}", HttpContexts.PUBLIC, e.toString());
        }
    }

    @Override
    public HealthResult check() {
        String g = givenUp;
        return g.isEmpty() ? HealthResult.up(CHECK, HttpContexts.PUBLIC + " at /")
                : HealthResult.degraded(CHECK, g + " not served by the HTTP runtime after " + MAX_REPAIRS
                        + " re-publications of " + HttpContexts.PUBLIC);
    }

    private void republish() {
        ServiceRegistration<ServletContextHelper> old = registration;
        if (old == null) {
            return;
        }
        ranking++;
        registration = register();
        unregister(old);
    }

    /**
     * Servlet services that select this context (and target a running HTTP runtime) but that the runtime lists neither
     * as served nor as failed: service id → a description naming the servlet and its bundle.
     */
    Map<Long, String> unserved() {
        Map<Long, String> missing = new TreeMap<>();
        ServiceRegistration<ServletContextHelper> reg = registration;
        ServiceReference<?>[] rts = runtimes.getServiceReferences();
        ServiceReference<?>[] ss = servlets.getServiceReferences();
        if (reg == null || rts == null || ss == null) {
            return missing;
        }
        ServiceReference<ServletContextHelper> ctx;
        try {
            ctx = reg.getReference();
        } catch (IllegalStateException e) {
            return missing;
        }
        long ctxId = (Long) ctx.getProperty(Constants.SERVICE_ID);
        for (ServiceReference<?> rt : rts) {
            HttpServiceRuntime runtime = (HttpServiceRuntime) context.getService(rt);
            if (runtime == null) {
                continue;
            }
            RuntimeDTO dto;
            try {
                dto = runtime.getRuntimeDTO();
            } catch (RuntimeException e) {
                continue; // stopping
            } finally {
                context.ungetService(rt);
            }
            Set<Long> listed = RuntimeServlets.listed(dto, ctxId);
            for (ServiceReference<?> s : ss) {
                long id = (Long) s.getProperty(Constants.SERVICE_ID);
                if (selects(s.getProperty(CONTEXT_SELECT), ctx) && targets(s.getProperty(TARGET), rt)
                        && !listed.contains(id)) {
                    missing.put(id, describe(s));
                }
            }
        }
        return missing;
    }

    /** A servlet without a context selection is in Felix's {@code default} context, never in this one. */
    private static boolean selects(Object select, ServiceReference<?> ctx) {
        return select != null && matches(select, ctx);
    }

    /** A servlet without a target is for every HTTP runtime. */
    private static boolean targets(Object target, ServiceReference<?> runtime) {
        return target == null || matches(target, runtime);
    }

    private static boolean matches(Object filter, ServiceReference<?> ref) {
        try {
            Filter f = FrameworkUtil.createFilter(filter.toString());
            return f.match(ref);
        } catch (InvalidSyntaxException e) {
            return false; // Felix lists it as failed
        }
    }

    private static String describe(ServiceReference<?> s) {
        Object name = s.getProperty("osgi.http.whiteboard.servlet.name");
        Bundle b = s.getBundle();
        return "servlet " + (name != null ? "'" + name + "'" : "service " + s.getProperty(Constants.SERVICE_ID))
                + (b == null ? "" : " of " + b.getSymbolicName());
    }

    /** Any change of what is tracked schedules a check. */
    private final class Trigger<S> implements ServiceTrackerCustomizer<S, ServiceReference<S>> {
        @Override
        public ServiceReference<S> addingService(ServiceReference<S> reference) {
            queueCheck();
            return reference;
        }

        @Override
        public void modifiedService(ServiceReference<S> reference, ServiceReference<S> service) {
            queueCheck();
        }

        @Override
        public void removedService(ServiceReference<S> reference, ServiceReference<S> service) {
            queueCheck();
        }
    }
}
