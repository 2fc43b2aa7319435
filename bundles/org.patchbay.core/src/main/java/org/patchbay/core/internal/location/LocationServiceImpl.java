package org.patchbay.core.internal.location;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationEvents;
import org.patchbay.api.location.LocationService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory location service. Each address of record's bindings change under that AOR's map entry
 * ({@link ConcurrentHashMap#compute}), so concurrent REGISTERs of one user serialise and different users never wait on
 * each other. One scheduled thread removes expired bindings and posts {@link LocationEvents#EXPIRED}; lookups filter
 * expired bindings themselves, so a binding is never returned after its expiry even between sweeps.
 */
@Component(service = LocationService.class, immediate = true, configurationPid = LocationServiceImpl.PID)
@Designate(ocd = LocationServiceImpl.Config.class)
public final class LocationServiceImpl implements LocationService {
    static final String PID = "org.patchbay.core.location";

    @ObjectClassDefinition(name = "Patchbay location service", description = "Where registered users can be reached (in memory)")
    public @interface Config {
        @AttributeDefinition(description = "Most bindings (contacts) one address of record may have; a new one beyond that "
                + "replaces the binding that expires soonest", min = "1", max = "1000")
        int max_contacts() default 10;

        @AttributeDefinition(description = "Seconds between sweeps that remove expired bindings and post EXPIRED events",
                min = "1", max = "3600")
        int sweep_interval_seconds() default 5;
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocationServiceImpl.class);

    private final Map<Aor, List<Entry>> bindings = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Clock clock;
    private volatile int maxContacts;
    private final ScheduledExecutorService sweeper;
    private ScheduledFuture<?> sweeps;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin events;

    @Activate
    public LocationServiceImpl(Config config) {
        this(Clock.systemUTC(), config.max_contacts());
        schedule(config.sweep_interval_seconds());
    }

    /** A configuration change keeps the registrations (SCR would otherwise restart the component and lose them). */
    @Modified
    void modified(Config config) {
        maxContacts = Math.max(1, config.max_contacts());
        schedule(config.sweep_interval_seconds());
    }

    private synchronized void schedule(int seconds) {
        if (sweeps != null) {
            sweeps.cancel(false);
        }
        int s = Math.max(1, seconds);
        sweeps = sweeper.scheduleWithFixedDelay(this::sweepSafely, s, s, TimeUnit.SECONDS);
    }

    /** Without a running sweeper: tests call {@link #sweep()}. */
    LocationServiceImpl(Clock clock, int maxContacts) {
        this.clock = clock;
        this.maxContacts = Math.max(1, maxContacts);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pb-location-sweeper");
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        sweeper.shutdownNow();
        if (!sweeper.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("location sweeper did not stop within 5 s");
        }
    }

    void setEventAdmin(EventAdmin eventAdmin) {
        this.events = eventAdmin;
    }

    @Override
    public List<Binding> lookup(Aor aor) {
        List<Entry> entries = bindings.get(aor);
        if (entries == null) {
            return List.of();
        }
        Instant now = clock.instant();
        synchronized (entries) {
            return entries.stream().filter(e -> e.live(now)).sorted(ORDER).map(Entry::binding).toList();
        }
    }

    @Override
    public List<Binding> all() {
        Instant now = clock.instant();
        List<Binding> result = new ArrayList<>();
        for (List<Entry> entries : bindings.values()) {
            synchronized (entries) {
                entries.stream().filter(e -> e.live(now)).sorted(ORDER).map(Entry::binding).forEach(result::add);
            }
        }
        result.sort(Comparator.comparing((Binding b) -> b.aor().toString()));
        return result;
    }

    @Override
    public Binding bind(Binding binding) {
        List<Event> posted = new ArrayList<>();
        Binding[] stored = new Binding[1];
        bindings.compute(binding.aor(), (aor, entries) -> {
            List<Entry> list = entries == null ? new ArrayList<>() : entries;
            synchronized (list) {
                Instant now = clock.instant();
                dropExpired(list, now, posted);
                Entry old = null;
                for (Entry e : list) {
                    if (e.binding.contact().equals(binding.contact()) || e.binding.sameDevice(binding)) {
                        old = e;
                        break;
                    }
                }
                Binding b = binding;
                if (old != null) {
                    list.remove(old);
                    b = keepRegistered(binding, old.binding);
                    if (!old.binding.contact().equals(b.contact())) {
                        // the same device from a new address: observers see the old contact go
                        posted.add(event(LocationEvents.UNBOUND, old.binding));
                    }
                } else if (list.size() >= maxContacts) {
                    Entry soonest = list.stream().min(Comparator.comparing((Entry e) -> e.binding.expires())).orElseThrow();
                    list.remove(soonest);
                    LOG.info("{} has {} bindings (max.contacts); {} replaced by {}", aor, maxContacts,
                            soonest.binding.contact(), binding.contact());
                    posted.add(event(LocationEvents.UNBOUND, soonest.binding));
                }
                list.add(new Entry(b, sequence.incrementAndGet()));
                posted.add(event(old != null && old.binding.contact().equals(b.contact())
                        ? LocationEvents.REFRESHED : LocationEvents.BOUND, b));
                stored[0] = b;
                return list;
            }
        });
        post(posted);
        return stored[0];
    }

    @Override
    public boolean unbind(Aor aor, String contact) {
        List<Event> posted = new ArrayList<>();
        bindings.computeIfPresent(aor, (k, list) -> {
            synchronized (list) {
                list.removeIf(e -> {
                    if (e.binding.contact().equals(contact)) {
                        posted.add(event(LocationEvents.UNBOUND, e.binding));
                        return true;
                    }
                    return false;
                });
                return list.isEmpty() ? null : list;
            }
        });
        post(posted);
        return !posted.isEmpty();
    }

    @Override
    public int unbindAll(Aor aor) {
        List<Event> posted = new ArrayList<>();
        List<Entry> removed = bindings.remove(aor);
        if (removed != null) {
            Instant now = clock.instant();
            synchronized (removed) {
                removed.stream().filter(e -> e.live(now)).forEach(e -> posted.add(event(LocationEvents.UNBOUND, e.binding)));
            }
        }
        post(posted);
        return posted.size();
    }

    @Override
    public int unbindFlow(String flow) {
        if (flow == null) {
            return 0;
        }
        List<Event> posted = new ArrayList<>();
        for (Aor aor : List.copyOf(bindings.keySet())) {
            bindings.computeIfPresent(aor, (k, list) -> {
                synchronized (list) {
                    list.removeIf(e -> {
                        if (flow.equals(e.binding.flow())) {
                            posted.add(event(LocationEvents.UNBOUND, e.binding));
                            return true;
                        }
                        return false;
                    });
                    return list.isEmpty() ? null : list;
                }
            });
        }
        post(posted);
        return posted.size();
    }

    @Override
    public int count() {
        Instant now = clock.instant();
        int n = 0;
        for (List<Entry> entries : bindings.values()) {
            synchronized (entries) {
                n += (int) entries.stream().filter(e -> e.live(now)).count();
            }
        }
        return n;
    }

    /** Removes expired bindings and posts {@link LocationEvents#EXPIRED} for each; returns how many went. */
    int sweep() {
        List<Event> posted = new ArrayList<>();
        Instant now = clock.instant();
        for (Aor aor : List.copyOf(bindings.keySet())) {
            bindings.computeIfPresent(aor, (k, list) -> {
                synchronized (list) {
                    dropExpired(list, now, posted);
                    return list.isEmpty() ? null : list;
                }
            });
        }
        post(posted);
        return posted.size();
    }

    private void sweepSafely() {
        try {
            int n = sweep();
            if (n > 0) {
                LOG.debug("{} bindings expired", n);
            }
        } catch (RuntimeException e) {
            LOG.error("location sweep failed", e);
        }
    }

    private static void dropExpired(List<Entry> list, Instant now, List<Event> posted) {
        list.removeIf(e -> {
            if (!e.live(now)) {
                posted.add(event(LocationEvents.EXPIRED, e.binding));
                return true;
            }
            return false;
        });
    }

    private static Binding keepRegistered(Binding fresh, Binding old) {
        return new Binding(fresh.aor(), fresh.contact(), fresh.instanceId(), fresh.regId(), fresh.callId(), fresh.cseq(),
                fresh.adapter(), fresh.transport(), fresh.source(), fresh.flow(), fresh.path(), fresh.userAgent(), fresh.q(),
                old.registered(), fresh.expires());
    }

    private static Event event(String topic, Binding b) {
        return new Event(topic, Map.of(LocationEvents.AOR, b.aor().toString(), LocationEvents.CONTACT, b.contact()));
    }

    private void post(List<Event> posted) {
        EventAdmin ea = events;
        if (ea != null) {
            posted.forEach(ea::postEvent);
        }
    }

    /** Highest q first (absent counts as 1.0), then the most recently bound or refreshed. */
    private static final Comparator<Entry> ORDER = Comparator
            .comparingInt((Entry e) -> e.binding.q() < 0 ? 1000 : e.binding.q()).reversed()
            .thenComparing(Comparator.comparingLong((Entry e) -> e.sequence).reversed());

    private record Entry(Binding binding, long sequence) {
        boolean live(Instant now) {
            return binding.expires().isAfter(now);
        }
    }
}
