package org.patchbay.presence.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patchbay.api.call.CallInfo;
import org.patchbay.api.call.CallService;
import org.patchbay.api.call.Leg;
import org.patchbay.api.call.LegControl;
import org.patchbay.api.call.Party;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationService;
import org.patchbay.api.presence.PresenceState;
import org.patchbay.api.presence.Publication;

/** Composition, change notification and persistence of the presence core on an in-memory H2. */
class PresenceCoreTest {
    private static final AtomicInteger DB = new AtomicInteger();
    private static final Aor ALICE = Aor.parse("alice@core.example");
    private static final Aor BOB = Aor.parse("bob@core.example");

    private final Locations location = new Locations();
    private final Calls calls = new Calls();
    private PresenceStore store;
    private PresenceCore core;

    @BeforeEach
    void setUp() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:presence" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("db/presence/V1__presence.sql");
                Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            for (String statement : sql.split(";")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
        }
        store = new PresenceStore(ds);
        core = PresenceCore.create(store, location, calls, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        core.deactivate();
    }

    @Test
    void offlineAvailablePublishedOnThePhone() {
        assertEquals(PresenceState.OFFLINE, core.presence(ALICE).status());
        assertEquals(PresenceState.Basic.CLOSED, core.presence(ALICE).basic());
        location.register(ALICE);
        assertEquals(PresenceState.AVAILABLE, core.presence(ALICE).status());
        core.publish(publication("e1", "away", "lunch", 60));
        PresenceState s = core.presence(ALICE);
        assertEquals(List.of("away", "lunch"), List.of(s.status(), s.note()));
        calls.live.add(call(ALICE, BOB, "ringing"));
        assertEquals(PresenceState.ON_THE_PHONE, core.presence(ALICE).status());
        // the callee is on the phone only once it answered
        location.register(BOB);
        assertEquals(PresenceState.AVAILABLE, core.presence(BOB).status());
        calls.live.set(0, call(ALICE, BOB, "answered"));
        assertEquals(PresenceState.ON_THE_PHONE, core.presence(BOB).status());
        calls.live.clear();
        location.bindings.clear();
        assertEquals(List.of(PresenceState.OFFLINE, "lunch"), List.of(core.presence(ALICE).status(),
                core.presence(ALICE).note()));
    }

    @Test
    void listenersHearOfChangesOnly() throws Exception {
        LinkedBlockingQueue<PresenceState> heard = new LinkedBlockingQueue<>();
        core.bindListener(heard::add);
        location.register(ALICE);
        core.publish(publication("e1", "away", "lunch", 60));
        assertEquals("away", heard.poll(5, TimeUnit.SECONDS).status());
        // a refresh under a new entity tag changes nothing a watcher sees
        core.publish(publication("e2", "away", "lunch", 60));
        core.withdraw(ALICE, "e1");
        core.withdraw(ALICE, "e2");
        assertEquals(PresenceState.AVAILABLE, heard.poll(5, TimeUnit.SECONDS).status());
        assertEquals(null, heard.poll(300, TimeUnit.MILLISECONDS));
    }

    @Test
    void publicationsSurviveARestartAndExpire() throws Exception {
        core.publish(publication("keep", "busy", "meeting", 60));
        core.publish(publication("short", "away", "x", 1));
        core.deactivate();
        core = PresenceCore.create(store, location, calls, Clock.systemUTC());
        assertEquals(2, core.publications(ALICE).size());
        Thread.sleep(2500);
        List<Publication> left = core.publications(ALICE);
        assertEquals(1, left.size());
        assertEquals("keep", left.get(0).id());
        assertTrue(core.publication(ALICE, "short").isEmpty());
        assertEquals(1, store.publications().size());
    }

    private static Publication publication(String id, String activity, String note, int seconds) {
        Instant now = Instant.now();
        return new Publication(id, new PresenceState(ALICE, PresenceState.Basic.OPEN, activity, List.of(activity), note,
                "sip", now, now.plusSeconds(seconds)));
    }

    private static CallInfo call(Aor caller, Aor callee, String state) {
        return new CallInfo("c1", Party.of(caller), Party.of(callee), state, Instant.now(), null, List.of());
    }

    private static final class Locations implements LocationService {
        final Map<Aor, List<Binding>> bindings = new ConcurrentHashMap<>();

        void register(Aor aor) {
            Instant now = Instant.now();
            bindings.put(aor, List.of(new Binding(aor, "sip:" + aor.user() + "@127.0.0.1:5070", null, 0, "cid", 1, "sip",
                    "udp", null, null, List.of(), "test", -1, now, now.plusSeconds(3600))));
        }

        @Override
        public List<Binding> lookup(Aor aor) {
            return bindings.getOrDefault(aor, List.of());
        }

        @Override
        public List<Binding> all() {
            List<Binding> all = new ArrayList<>();
            bindings.values().forEach(all::addAll);
            return all;
        }

        @Override
        public Binding bind(Binding binding) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean unbind(Aor aor, String contact) {
            return false;
        }

        @Override
        public int unbindAll(Aor aor) {
            return 0;
        }

        @Override
        public int unbindFlow(String flow) {
            return 0;
        }

        @Override
        public int count() {
            return bindings.size();
        }
    }

    private static final class Calls implements CallService {
        final List<CallInfo> live = new CopyOnWriteArrayList<>();

        @Override
        public LegControl place(Leg caller, Aor destination, String offer, int hops) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<CallInfo> calls() {
            return live;
        }

        @Override
        public Optional<CallInfo> call(String id) {
            return live.stream().filter(c -> c.id().equals(id)).findFirst();
        }

        @Override
        public boolean hangup(String id, String reason) {
            return false;
        }

        @Override
        public int liveCalls() {
            return live.size();
        }

        @Override
        public int liveLegs() {
            return 0;
        }
    }
}
