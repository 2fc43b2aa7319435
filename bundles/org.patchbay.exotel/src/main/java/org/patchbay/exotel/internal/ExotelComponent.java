package org.patchbay.exotel.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.Servlet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.dto.FailedServletDTO;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;
import org.osgi.service.servlet.runtime.dto.ServletDTO;
import org.patchbay.api.call.CallEvents;
import org.patchbay.api.call.CallRecords;
import org.patchbay.api.call.CallService;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;
import org.patchbay.api.http.HttpContexts;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Exotel vendor bundle: Exotel's call-connect API over the core's {@link CallService#originate}, accounts owning
 * SIP users, {@code pb:exotel}, admin REST. Everything it knows is in its tables and in the core, so a restart (bundle
 * update, node restart) picks up the calls in flight where they are.
 *
 * <p>Immediate: its servlets must not depend on someone using its health check. As a delayed component it was
 * activated by whoever first got the check, once inside Felix HTTP's registration of {@code /health}, where the API
 * servlet it registered was dropped (see org.patchbay.http's README, "Public context").
 */
@Component(service = HealthCheck.class, configurationPid = ExotelComponent.PID, immediate = true,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = HealthCheck.NAME + "=exotel")
@Designate(ocd = ExotelComponent.Config.class)
public final class ExotelComponent implements HealthCheck {
    static final String PID = "org.patchbay.exotel";
    static final String API_SERVLET = "patchbay-exotel-api";
    private static final Logger LOG = LoggerFactory.getLogger(ExotelComponent.class);

    @ObjectClassDefinition(name = "Patchbay Exotel", description = "Exotel's call-connect API and accounts")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Serve Exotel's call API")
        boolean enabled() default true;

        @AttributeDefinition(name = "API path", description = "Base path of Exotel's API on the node's HTTP port")
        String api_path() default "/v1";

        @AttributeDefinition(name = "SIP domain", required = false,
                description = "Domain of a From/To/user given without one (e.g. the SDK's sipdomain)")
        String sip_domain() default "";

        @AttributeDefinition(name = "SDK WebSocket path", description = "The path the SDK's 'endpoint' names; the "
                + "sip bundle serves it when its ws.paths (org.patchbay.sip) lists it. Shown for reference")
        String ws_path() default "/ws";

        @AttributeDefinition(name = "Ring timeout (s)", min = "1", max = "600",
                description = "How long each party rings when the request has no TimeOut")
        int ring_timeout_seconds() default 60;

        @AttributeDefinition(name = "Callback retries", min = "0", max = "10",
                description = "Further attempts after a failed StatusCallback POST (after 1, 4, 16 … s)")
        int callback_retries() default 3;

        @AttributeDefinition(name = "Callback timeout (s)", min = "1", max = "60")
        int callback_timeout_seconds() default 5;

        @AttributeDefinition(name = "Failed logins per minute", min = "1", max = "10000",
                description = "Failed API authentications from one address per minute before it gets 429")
        int auth_failures_per_minute() default 10;
    }

    private final Exotel exotel;
    private final BundleContext context;
    private final ServiceRegistration<Servlet> api;
    private final ScheduledThreadPoolExecutor tracker;
    private final ScheduledThreadPoolExecutor callbacks;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final AtomicBoolean reconcileQueued = new AtomicBoolean();

    @Activate
    public ExotelComponent(@Reference Database database, @Reference CallService calls,
            @Reference CallRecords records, @Reference Directory directory, BundleContext context, Config config) {
        Settings settings = Settings.of(config);
        database.migrate(ExotelStore.MODULE, context.getBundle(), ExotelStore.SCRIPTS);
        this.context = context;
        this.exotel = new Exotel(new ExotelStore(database.dataSource()), settings, calls, records, directory,
                Clock.systemUTC());
        this.tracker = executor("pb-exotel-status");
        this.callbacks = executor("pb-exotel-callback");
        tracker.scheduleWithFixedDelay(this::reconcile, 0, 1, TimeUnit.SECONDS);
        callbacks.scheduleWithFixedDelay(exotel::deliverCallbacks, 1, 1, TimeUnit.SECONDS);

        if (settings.enabled()) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("osgi.http.whiteboard.servlet.pattern", settings.apiPath() + "/*");
            props.put("osgi.http.whiteboard.servlet.name", API_SERVLET);
            // the http bundle's public context at /: it re-publishes the context if Felix ever drops this servlet
            props.put("osgi.http.whiteboard.context.select",
                    "(osgi.http.whiteboard.context.name=" + HttpContexts.PUBLIC + ")");
            api = context.registerService(Servlet.class, new ApiServlet(exotel), props);
            registrations.add(api);
        } else {
            api = null;
        }
        Hashtable<String, Object> admin = new Hashtable<>();
        admin.put("osgi.http.whiteboard.servlet.pattern", new String[] {"/exotel", "/exotel/*"});
        admin.put("osgi.http.whiteboard.servlet.name", "patchbay-exotel-admin");
        admin.put("osgi.http.whiteboard.context.select",
                "(osgi.http.whiteboard.context.name=" + HttpContexts.ADMIN_API + ")");
        registrations.add(context.registerService(Servlet.class, new AdminServlet(exotel), admin));

        Hashtable<String, Object> shell = new Hashtable<>();
        shell.put("osgi.command.scope", "pb");
        shell.put("osgi.command.function", new String[] {"exotel"});
        registrations.add(context.registerService(ExotelCommands.class, new ExotelCommands(exotel), shell));

        Hashtable<String, Object> events = new Hashtable<>();
        events.put(EventConstants.EVENT_TOPIC, new String[] {CallEvents.ALL});
        registrations.add(context.registerService(EventHandler.class, e -> queueReconcile(), events));
        LOG.info("exotel: call API {} at {}, SDK WebSocket path {}", settings.enabled() ? "served" : "disabled",
                settings.apiPath(), settings.wsPath());
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        registrations.clear();
        tracker.shutdownNow();
        callbacks.shutdownNow();
        try {
            tracker.awaitTermination(5, TimeUnit.SECONDS);
            callbacks.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A call event: bring the resources up to date now rather than at the next poll (one queued run at most). */
    private void queueReconcile() {
        if (reconcileQueued.compareAndSet(false, true)) {
            try {
                tracker.execute(this::reconcile);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                reconcileQueued.set(false);
            }
        }
    }

    private void reconcile() {
        reconcileQueued.set(false);
        try {
            if (exotel.reconcile()) {
                callbacks.execute(exotel::deliverCallbacks);
            }
        } catch (RuntimeException e) {
            LOG.warn("exotel: following calls failed: {}", e.toString());
        }
    }

    /** Up when the call API is disabled or the HTTP runtime really serves its servlet; down, saying why, otherwise. */
    @Override
    public HealthResult check() {
        Settings s = exotel.settings();
        if (!s.enabled()) {
            return HealthResult.up("exotel", "call API disabled");
        }
        String problem = apiProblem();
        return problem == null ? HealthResult.up("exotel", "call API served at " + s.apiPath())
                : HealthResult.down("exotel", "call API at " + s.apiPath() + " " + problem);
    }

    /** Null when a running HTTP runtime lists the API servlet as served, else what is wrong. */
    private String apiProblem() {
        long id;
        Collection<ServiceReference<HttpServiceRuntime>> runtimes;
        try {
            id = (Long) api.getReference().getProperty(Constants.SERVICE_ID);
            runtimes = context.getServiceReferences(HttpServiceRuntime.class, null);
        } catch (IllegalStateException | InvalidSyntaxException e) {
            return "not registered (component stopping)";
        }
        String problem = "not served: no HTTP runtime is running";
        for (ServiceReference<HttpServiceRuntime> ref : runtimes) {
            HttpServiceRuntime runtime = context.getService(ref);
            if (runtime == null) {
                continue;
            }
            try {
                problem = servletProblem(runtime.getRuntimeDTO(), id);
            } catch (RuntimeException e) {
                problem = "not served: the HTTP runtime is stopping";
            } finally {
                context.ungetService(ref);
            }
            if (problem == null) {
                return null;
            }
        }
        return problem;
    }

    /** What the runtime says about servlet service {@code id}: null when served. */
    static String servletProblem(RuntimeDTO dto, long id) {
        for (ServletContextDTO c : dto.servletContextDTOs == null ? new ServletContextDTO[0] : dto.servletContextDTOs) {
            for (ServletDTO s : c.servletDTOs == null ? new ServletDTO[0] : c.servletDTOs) {
                if (s.serviceId == id) {
                    return null;
                }
            }
        }
        if (dto.failedServletDTOs != null) {
            for (FailedServletDTO f : dto.failedServletDTOs) {
                if (f.serviceId == id) {
                    return "not served: the HTTP runtime refused its servlet (failure reason " + f.failureReason + ")";
                }
            }
        }
        return "not served: its servlet is registered but the HTTP runtime does not serve it";
    }

    private static ScheduledThreadPoolExecutor executor(String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, f);
        e.setRemoveOnCancelPolicy(true);
        return e;
    }
}
