package org.patchbay.core.internal.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationEvents;

class LocationServiceImplTest {

    private static final Aor ALICE = Aor.parse("alice@example.com");
    private static final Aor BOB = Aor.parse("bob@example.com");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final LocationServiceImpl location = newService(10);

    private LocationServiceImpl newService(int max) {
        LocationServiceImpl l = new LocationServiceImpl(clock, max);
        l.setEventAdmin(new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                events.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                throw new AssertionError("the location service must not send synchronously");
            }
        });
        return l;
    }

    private Binding binding(Aor aor, String contact, int seconds) {
        return binding(aor, contact, null, 0, -1, seconds, null);
    }

    private Binding binding(Aor aor, String contact, String instance, int regId, int q, int seconds, String flow) {
        return new Binding(aor, contact, instance, regId, "call-1", 1, "sip", "udp", new InetSocketAddress("127.0.0.1", 5062),
                flow, List.of(), "test-ua", q, clock.instant(), clock.instant().plusSeconds(seconds));
    }

    @Test
    void bindsRefreshesAndUnbindsWithEvents() {
        location.bind(binding(ALICE, "sip:alice@10.0.0.1", 60));
        clock.advance(Duration.ofSeconds(10));
        Binding refreshed = location.bind(binding(ALICE, "sip:alice@10.0.0.1", 60));
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), refreshed.registered(), "a refresh keeps the creation time");
        assertEquals(1, location.lookup(ALICE).size());
        assertTrue(location.unbind(ALICE, "sip:alice@10.0.0.1"));
        assertFalse(location.unbind(ALICE, "sip:alice@10.0.0.1"));
        assertEquals(List.of(), location.lookup(ALICE));
        assertEquals(List.of(LocationEvents.BOUND, LocationEvents.REFRESHED, LocationEvents.UNBOUND), topics());
        assertEquals(Map.of("aor", "alice@example.com", "contact", "sip:alice@10.0.0.1"), props(events.get(0)));
    }

    @Test
    void severalContactsOrderedByQThenMostRecent() {
        location.bind(binding(ALICE, "sip:a@1", null, 0, 500, 60, null));
        clock.advance(Duration.ofSeconds(1));
        location.bind(binding(ALICE, "sip:a@2", null, 0, -1, 60, null));
        clock.advance(Duration.ofSeconds(1));
        location.bind(binding(ALICE, "sip:a@3", null, 0, 1000, 60, null));
        clock.advance(Duration.ofSeconds(1));
        location.bind(binding(ALICE, "sip:a@4", null, 0, 500, 60, null));
        assertEquals(List.of("sip:a@3", "sip:a@2", "sip:a@4", "sip:a@1"), contacts(location.lookup(ALICE)));
        // refreshing a@1 makes it the most recent of the q=0.5 pair
        location.bind(binding(ALICE, "sip:a@1", null, 0, 500, 60, null));
        assertEquals(List.of("sip:a@3", "sip:a@2", "sip:a@1", "sip:a@4"), contacts(location.lookup(ALICE)));
    }

    @Test
    void sameDeviceReplacesItsBindingInsteadOfPilingUp() {
        String instance = "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";
        location.bind(binding(ALICE, "sip:alice@10.0.0.1:5060", instance, 1, -1, 60, null));
        location.bind(binding(ALICE, "sip:alice@10.0.0.2:5999", instance, 1, -1, 60, null));
        location.bind(binding(ALICE, "sip:alice@10.0.0.3:5060", instance, 2, -1, 60, null));
        assertEquals(List.of("sip:alice@10.0.0.3:5060", "sip:alice@10.0.0.2:5999"), contacts(location.lookup(ALICE)));
        assertEquals(List.of(LocationEvents.BOUND, LocationEvents.UNBOUND, LocationEvents.BOUND, LocationEvents.BOUND), topics());
    }

    @Test
    void expiredBindingsAreNeverReturnedAndTheSweepPostsExpired() {
        location.bind(binding(ALICE, "sip:alice@1", 30));
        location.bind(binding(ALICE, "sip:alice@2", 90));
        location.bind(binding(BOB, "sip:bob@1", 30));
        clock.advance(Duration.ofSeconds(30));
        assertEquals(List.of("sip:alice@2"), contacts(location.lookup(ALICE)));
        assertEquals(1, location.count());
        assertEquals(List.of("sip:alice@2"), contacts(location.all()));
        events.clear();
        assertEquals(2, location.sweep());
        assertEquals(List.of(LocationEvents.EXPIRED, LocationEvents.EXPIRED), topics());
        assertEquals(0, location.sweep());
        assertEquals(List.of(), location.lookup(BOB));
    }

    @Test
    void maxContactsReplacesTheBindingThatExpiresSoonest() {
        LocationServiceImpl small = newService(2);
        small.bind(binding(ALICE, "sip:a@1", 300));
        small.bind(binding(ALICE, "sip:a@2", 100));
        small.bind(binding(ALICE, "sip:a@3", 200));
        assertEquals(List.of("sip:a@3", "sip:a@1"), contacts(small.lookup(ALICE)));
    }

    @Test
    void unbindAllAndUnbindFlow() {
        location.bind(binding(ALICE, "sip:a@1", null, 0, -1, 60, "tcp-7"));
        location.bind(binding(ALICE, "sip:a@2", null, 0, -1, 60, "tcp-8"));
        location.bind(binding(BOB, "sip:b@1", null, 0, -1, 60, "tcp-7"));
        assertEquals(2, location.unbindFlow("tcp-7"));
        assertEquals(0, location.unbindFlow(null));
        assertEquals(List.of("sip:a@2"), contacts(location.all()));
        assertEquals(1, location.unbindAll(ALICE));
        assertEquals(0, location.unbindAll(ALICE));
        assertEquals(0, location.count());
    }

    @Test
    void concurrentRegistrationsOfOneUserLoseNothing() throws Exception {
        LocationServiceImpl big = newService(1000);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 400; i++) {
            int n = i;
            pool.execute(() -> big.bind(binding(ALICE, "sip:a@" + n, 60)));
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(400, big.lookup(ALICE).size());
    }

    @Test
    void deactivateStopsTheSweeperThread() throws Exception {
        LocationServiceImpl running = new LocationServiceImpl(config());
        assertTrue(threadAlive(), "sweeper started");
        running.deactivate();
        // the pool's worker may still be finishing its exit when awaitTermination returns
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (threadAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(threadAlive(), "sweeper stopped");
    }

    @Test
    void aConfigurationChangeKeepsTheBindings() throws Exception {
        LocationServiceImpl running = new LocationServiceImpl(config());
        try {
            running.bind(new Binding(ALICE, "sip:a@1", null, 0, "c", 1, "sip", "udp", null, null, List.of(), "", -1,
                    Instant.now(), Instant.now().plusSeconds(60)));
            running.modified(config());
            assertEquals(1, running.count());
            assertEquals(1, Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("pb-location-sweeper") && t.isAlive()).count(), "still one sweeper");
        } finally {
            running.deactivate();
        }
    }

    private static boolean threadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("pb-location-sweeper") && t.isAlive());
    }

    private static LocationServiceImpl.Config config() {
        return new LocationServiceImpl.Config() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return LocationServiceImpl.Config.class;
            }

            @Override
            public int max_contacts() {
                return 10;
            }

            @Override
            public int sweep_interval_seconds() {
                return 1;
            }
        };
    }

    private List<String> topics() {
        return events.stream().map(Event::getTopic).toList();
    }

    private static Map<String, Object> props(Event e) {
        return Map.of("aor", e.getProperty("aor"), "contact", e.getProperty("contact"));
    }

    private static List<String> contacts(List<Binding> list) {
        return list.stream().map(Binding::contact).toList();
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
