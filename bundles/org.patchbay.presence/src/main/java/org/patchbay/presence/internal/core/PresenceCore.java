package org.patchbay.presence.internal.core;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.patchbay.api.call.CallEvents;
import org.patchbay.api.call.CallInfo;
import org.patchbay.api.call.CallService;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationEvents;
import org.patchbay.api.location.LocationService;
import org.patchbay.api.presence.PresenceEvents;
import org.patchbay.api.presence.PresenceListener;
import org.patchbay.api.presence.PresenceService;
import org.patchbay.api.presence.PresenceState;
import org.patchbay.api.presence.Publication;
import org.patchbay.api.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The presence core: stored publications, composition with registrations and calls, change notification to the
 * {@link PresenceListener} whiteboard and EventAdmin. One thread ({@code pb-presence}) composes and notifies, so
 * listeners hear of one user's changes in order and nothing runs on the call path.
 */
@Component(service = {PresenceService.class, EventHandler.class, HealthCheck.class}, immediate = true,
        configurationPid = PresenceConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {HealthCheck.NAME + "=presence",
                EventConstants.EVENT_TOPIC + "=" + CallEvents.ALL,
                EventConstants.EVENT_TOPIC + "=" + LocationEvents.ALL})
@Designate(ocd = PresenceConfig.class)
public final class PresenceCore implements PresenceService, EventHandler, HealthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceCore.class);
    static final String NODE = "node";

    private final LocationService location;
    private final CallService calls;
    private final PresenceStore store;
    private final Clock clock;
    private final Map<Aor, Map<String, Publication>> publications = new ConcurrentHashMap<>();
    private final Map<Aor, PresenceState> composed = new ConcurrentHashMap<>();
    private final List<PresenceListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService worker;
    private volatile EventAdmin events;
    private volatile String problem;

    @Activate
    public PresenceCore(@Reference Database database, @Reference LocationService location, @Reference CallService calls,
            BundleContext context) {
        this(migrated(database, context), location, calls, Clock.systemUTC());
    }

    /** Outside OSGi (tests): an already migrated store. */
    public static PresenceCore create(PresenceStore store, LocationService location, CallService calls, Clock clock) {
        return new PresenceCore(store, location, calls, clock);
    }

    private PresenceCore(PresenceStore store, LocationService location, CallService calls, Clock clock) {
        this.store = store;
        this.location = location;
        this.calls = calls;
        this.clock = clock;
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pb-presence");
            t.setDaemon(true);
            return t;
        });
        w.setRemoveOnCancelPolicy(true);
        worker = w;
        load();
        worker.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    private static PresenceStore migrated(Database database, BundleContext context) {
        database.migrate(PresenceStore.MODULE, context.getBundle(), PresenceStore.SCRIPTS);
        return new PresenceStore(database.dataSource());
    }

    private void load() {
        Instant now = clock.instant();
        try {
            int n = 0;
            for (Publication p : store.publications()) {
                if (p.expired(now)) {
                    store.deletePublication(p.state().aor(), p.id());
                } else {
                    publications.computeIfAbsent(p.state().aor(), a -> new ConcurrentHashMap<>()).put(p.id(), p);
                    n++;
                }
            }
            for (Aor aor : publications.keySet()) {
                composed.put(aor, compose(aor));
            }
            LOG.debug("presence: {} stored publications restored", n);
        } catch (SQLException e) {
            problem = "cannot read stored publications: " + e.getMessage();
            LOG.warn("presence: {}", problem);
        }
    }

    @Deactivate
    void deactivate() {
        worker.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindListener(PresenceListener listener) {
        listeners.add(listener);
    }

    void unbindListener(PresenceListener listener) {
        listeners.remove(listener);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEvents(EventAdmin admin) {
        events = admin;
    }

    void unbindEvents(EventAdmin admin) {
        if (events == admin) {
            events = null;
        }
    }

    @Override
    public void publish(Publication publication) {
        Aor aor = publication.state().aor();
        try {
            store.savePublication(publication);
        } catch (SQLException e) {
            // the state still applies in memory; it would only be lost at a restart
            LOG.warn("presence: publication of {} not stored: {}", aor, e.getMessage());
        }
        publications.computeIfAbsent(aor, a -> new ConcurrentHashMap<>()).put(publication.id(), publication);
        recomposeLater(aor);
    }

    @Override
    public Optional<Publication> publication(Aor aor, String id) {
        Map<String, Publication> m = publications.get(aor);
        Publication p = m == null ? null : m.get(id);
        return p == null || p.expired(clock.instant()) ? Optional.empty() : Optional.of(p);
    }

    @Override
    public List<Publication> publications(Aor aor) {
        Map<String, Publication> m = publications.get(aor);
        if (m == null) {
            return List.of();
        }
        Instant now = clock.instant();
        List<Publication> out = new ArrayList<>();
        for (Publication p : m.values()) {
            if (!p.expired(now)) {
                out.add(p);
            }
        }
        out.sort(Comparator.comparing((Publication p) -> p.state().updated()).reversed());
        return out;
    }

    @Override
    public boolean withdraw(Aor aor, String id) {
        Map<String, Publication> m = publications.get(aor);
        boolean had = m != null && m.remove(id) != null;
        if (had) {
            try {
                store.deletePublication(aor, id);
            } catch (SQLException e) {
                LOG.warn("presence: withdrawn publication of {} not deleted from the store: {}", aor, e.getMessage());
            }
            recomposeLater(aor);
        }
        return had;
    }

    @Override
    public PresenceState presence(Aor aor) {
        return compose(aor);
    }

    @Override
    public List<PresenceState> all() {
        Set<Aor> users = new TreeSet<>(Comparator.comparing(Aor::toString));
        users.addAll(publications.keySet());
        for (Binding b : location.all()) {
            users.add(b.aor());
        }
        for (CallInfo c : calls.calls()) {
            addIfUser(users, c.caller().aor());
            addIfUser(users, c.callee() == null ? null : c.callee().aor());
        }
        List<PresenceState> out = new ArrayList<>();
        for (Aor a : users) {
            out.add(compose(a));
        }
        return out;
    }

    private static void addIfUser(Set<Aor> users, Aor aor) {
        if (aor != null) {
            users.add(aor);
        }
    }

    /** Offline without a binding, on the phone in a call, else the newest publication, else available. */
    PresenceState compose(Aor aor) {
        Instant now = clock.instant();
        List<Publication> pubs = publications(aor);
        Publication latest = pubs.isEmpty() ? null : pubs.get(0);
        String note = latest == null ? "" : latest.state().note();
        if (location.lookup(aor).isEmpty()) {
            return new PresenceState(aor, PresenceState.Basic.CLOSED, PresenceState.OFFLINE, List.of(), note, NODE, now,
                    null);
        }
        if (inCall(aor)) {
            return new PresenceState(aor, PresenceState.Basic.OPEN, PresenceState.ON_THE_PHONE,
                    List.of(PresenceState.ON_THE_PHONE), note, NODE, now, null);
        }
        if (latest != null) {
            return latest.state().as(latest.state().source(), now, null);
        }
        return new PresenceState(aor, PresenceState.Basic.OPEN, PresenceState.AVAILABLE, List.of(), "", NODE, now, null);
    }

    /** The user placed a live call, or answered one. */
    private boolean inCall(Aor aor) {
        for (CallInfo c : calls.calls()) {
            if (aor.equals(c.caller().aor()) && !"ending".equals(c.state())) {
                return true;
            }
            if (c.callee() != null && aor.equals(c.callee().aor()) && "answered".equals(c.state())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void handleEvent(Event event) {
        if (event.getTopic().startsWith("org/patchbay/location/")) {
            recomposeLater(event.getProperty(LocationEvents.AOR));
        } else {
            recomposeLater(event.getProperty(CallEvents.CALLER));
            recomposeLater(event.getProperty(CallEvents.CALLEE));
        }
    }

    private void recomposeLater(Object aor) {
        if (!(aor instanceof String s)) {
            return;
        }
        try {
            recomposeLater(Aor.parse(s));
        } catch (IllegalArgumentException e) {
            // an outside party (a trunk number, a URI): no presence to compose
        }
    }

    private void recomposeLater(Aor aor) {
        try {
            worker.execute(() -> recompose(aor));
        } catch (RejectedExecutionException e) {
            // deactivating: nobody is left to tell
        }
    }

    private void recompose(Aor aor) {
        PresenceState now = compose(aor);
        PresenceState before = composed.put(aor, now);
        if (now.sameAs(before)) {
            return;
        }
        LOG.debug("presence of {}: {} ({})", aor, now.status(), now.basic().pidf());
        for (PresenceListener l : listeners) {
            try {
                l.presenceChanged(now);
            } catch (RuntimeException e) {
                LOG.warn("presence listener {} failed: {}", l.getClass().getName(), e.toString());
            }
        }
        EventAdmin ea = events;
        if (ea != null) {
            Map<String, Object> props = new HashMap<>();
            props.put(PresenceEvents.AOR, aor.toString());
            props.put(PresenceEvents.BASIC, now.basic().pidf());
            props.put(PresenceEvents.STATUS, now.status());
            ea.postEvent(new Event(PresenceEvents.CHANGED, props));
        }
        if (now.status().equals(PresenceState.OFFLINE) && publications(aor).isEmpty()) {
            composed.remove(aor);
        }
    }

    /** Drops lapsed publications; their users' presence is composed anew. */
    private void sweep() {
        Instant now = clock.instant();
        for (Map.Entry<Aor, Map<String, Publication>> e : publications.entrySet()) {
            boolean changed = e.getValue().values().removeIf(p -> {
                if (!p.expired(now)) {
                    return false;
                }
                try {
                    store.deletePublication(e.getKey(), p.id());
                } catch (SQLException ex) {
                    LOG.warn("presence: expired publication of {} not deleted: {}", e.getKey(), ex.getMessage());
                }
                return true;
            });
            if (changed) {
                recompose(e.getKey());
            }
        }
    }

    @Override
    public HealthResult check() {
        String p = problem;
        if (p != null) {
            return HealthResult.down("presence", p);
        }
        int n = publications.values().stream().mapToInt(Map::size).sum();
        return HealthResult.up("presence", n + " publications, " + listeners.size() + " listeners");
    }
}
