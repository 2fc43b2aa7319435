package org.patchbay.exotel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patchbay.api.call.CallInfo;
import org.patchbay.api.call.CallRecord;
import org.patchbay.api.call.CallRecords;
import org.patchbay.api.call.CallService;
import org.patchbay.api.call.Leg;
import org.patchbay.api.call.LegControl;
import org.patchbay.api.call.Originate;
import org.patchbay.api.call.Party;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Credential;
import org.patchbay.api.identity.DigestAlgorithm;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.identity.User;

class ExotelTest {
    private static final String TOKEN = "0123456789abcdef-token";

    private DataSource ds;
    private Exotel exotel;
    private final Calls calls = new Calls();
    private final Records records = new Records();
    private final Users users = new Users();
    private HttpServer server;

    /** An empty database for one test (H2 here; PostgresExotelTest runs the same tests on PostgreSQL). */
    DataSource openDatabase() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:exotel" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    @BeforeEach
    void setUp() throws Exception {
        ds = openDatabase();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("db/exotel/V1__exotel.sql");
                Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            String script = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)--.*$", "");
            for (String sql : script.split(";")) {
                if (!sql.isBlank()) {
                    s.execute(sql);
                }
            }
        }
        exotel = newExotel(Settings.DEFAULTS);
        exotel.addAccount("acme", "Acme", "key1", TOKEN);
        exotel.addUser("acme", "agent1@node.test", "agent secret", "Agent");
    }

    private Exotel newExotel(Settings s) {
        return new Exotel(new ExotelStore(ds), s, calls, records, users, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private CallResource connect(String... extra) throws ApiError {
        Map<String, String> p = new java.util.HashMap<>(Map.of("From", "agent1@node.test", "To", "bob@node.test",
                "CallerId", "0801"));
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return exotel.connect(exotel.authenticate("acme", basic("key1", TOKEN), "10.0.0.1"), p);
    }

    @Test
    void tokensAreStoredOnlyAsHashes() throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT token_hash FROM pb_exotel_account")) {
            assertTrue(r.next());
            assertFalse(r.getString(1).contains(TOKEN));
            assertTrue(r.getString(1).startsWith("pbkdf2-sha256$"));
        }
        String generated = exotel.addAccount("other", null, "key2", null);
        assertEquals(40, generated.length());
        assertNotNull(exotel.authenticate("other", basic("key2", generated), "10.0.0.9"));
    }

    @Test
    void unknownAccountAndWrongCredentialsLookTheSameAndAreThrottled() throws ApiError {
        assertEquals("acme", exotel.authenticate("acme", basic("key1", TOKEN), "10.0.0.1").sid());
        ApiError unknown = assertThrows(ApiError.class, () -> exotel.authenticate("nope", basic("key1", TOKEN), "10.0.0.2"));
        ApiError wrong = assertThrows(ApiError.class, () -> exotel.authenticate("acme", basic("key1", "bad"), "10.0.0.2"));
        ApiError otherKey = assertThrows(ApiError.class, () -> exotel.authenticate("acme", basic("key9", TOKEN), "10.0.0.2"));
        ApiError none = assertThrows(ApiError.class, () -> exotel.authenticate("acme", null, "10.0.0.2"));
        ApiError garbage = assertThrows(ApiError.class, () -> exotel.authenticate("acme", "Basic !!!", "10.0.0.2"));
        for (ApiError e : List.of(unknown, wrong, otherKey, none, garbage)) {
            assertEquals(401, e.status);
            assertEquals(unknown.getMessage(), e.getMessage());
        }
        for (int i = 0; i < 10; i++) {
            assertThrows(ApiError.class, () -> exotel.authenticate("acme", basic("key1", "bad"), "10.0.0.3"));
        }
        ApiError blocked = assertThrows(ApiError.class, () -> exotel.authenticate("acme", basic("key1", TOKEN), "10.0.0.3"));
        assertEquals(429, blocked.status, "even right credentials wait once an address failed too often");
        assertEquals("acme", exotel.authenticate("acme", basic("key1", TOKEN), "10.0.0.4").sid(), "others are not");
    }

    @Test
    void connectOriginatesWithTheCallSidHeaderAndStoresTheResource() throws ApiError {
        CallResource c = connect("TimeLimit", "30", "TimeOut", "15");
        assertEquals(CallResource.QUEUED, c.status());
        assertEquals(32, c.sid().length());
        Originate o = calls.originated.get(0);
        assertEquals(Aor.parse("agent1@node.test"), o.first());
        assertEquals(Aor.parse("bob@node.test"), o.second());
        assertEquals(Map.of("X-Exotel-Callsid", c.sid()), o.firstHeaders());
        assertEquals("0801", o.presented().displayName());
        assertEquals(15, o.ringSeconds());
        assertEquals(30, o.maxSeconds());
        assertEquals(c, exotel.call("acme", c.sid()).orElseThrow());
        assertTrue(exotel.call("other", c.sid()).isEmpty(), "another account does not see it");
        connect();
        assertEquals(60, calls.originated.get(1).ringSeconds(), "without TimeOut: ring.timeout.seconds");
        assertEquals(0, calls.originated.get(1).maxSeconds(), "without TimeLimit: none");
    }

    @Test
    void fromMustBeAUserOfTheAccount() {
        ApiError e = assertThrows(ApiError.class, () -> connect("From", "bob@node.test"));
        assertEquals(400, e.status);
        assertTrue(calls.originated.isEmpty());
    }

    @Test
    void aRefusedCallIsFailedAtOnce() throws ApiError {
        calls.refuse = true;
        CallResource c = connect("StatusCallback", "http://127.0.0.1:9/cb");
        assertEquals(CallResource.FAILED, c.status());
        assertEquals("pending", c.callbackState());
    }

    @Test
    void statusFollowsTheCoreAndSurvivesANewInstance() throws Exception {
        CallResource c = connect();
        String id = calls.lastId;
        Party agent = Party.of(Aor.parse("agent1@node.test"));
        calls.live.put(id, info(id, "ringing", "connecting"));
        exotel.reconcile();
        assertEquals(CallResource.QUEUED, status(c), "ringing in the core's sense is not a 180 yet");
        calls.live.put(id, info(id, "ringing", "ringing"));
        exotel.reconcile();
        assertEquals(CallResource.RINGING, status(c));
        calls.live.put(id, info(id, "answered", "answered"));
        exotel = newExotel(Settings.DEFAULTS); // a bundle update: nothing but the store and the core
        exotel.reconcile();
        assertEquals(CallResource.IN_PROGRESS, status(c));
        calls.live.remove(id);
        Instant start = Instant.now().minusSeconds(20);
        records.records.put(id, new CallRecord(id, agent.label(), "bob@node.test", List.of(), start,
                start.plusSeconds(5), start.plusSeconds(17), "normal", "callee", 200));
        exotel.reconcile();
        CallResource done = exotel.call("acme", c.sid()).orElseThrow();
        assertEquals(CallResource.COMPLETED, done.status());
        assertEquals(12, done.duration());
        assertEquals(start.plusSeconds(17).truncatedTo(java.time.temporal.ChronoUnit.MILLIS), done.endTime());
    }

    @Test
    void endReasonsMapToExotelStatuses() {
        assertEquals("busy", Exotel.finalStatus(rec("busy", 486, false)));
        assertEquals("busy", Exotel.finalStatus(rec("rejected", 603, false)));
        assertEquals("no-answer", Exotel.finalStatus(rec("no-answer", 480, false)));
        assertEquals("no-answer", Exotel.finalStatus(rec("unavailable", 480, false)));
        assertEquals("failed", Exotel.finalStatus(rec("not-found", 404, false)));
        assertEquals("canceled", Exotel.finalStatus(rec("admin", 487, false)));
        assertEquals("completed", Exotel.finalStatus(rec(Originate.TIME_LIMIT, 200, true)));
    }

    @Test
    void aCallGoneWithoutRecordFailsAfterAFewPolls() throws Exception {
        CallResource c = connect();
        for (int i = 1; i < Exotel.MISSES_TO_FAIL; i++) {
            exotel.reconcile();
            assertEquals(CallResource.QUEUED, status(c));
        }
        exotel.reconcile();
        assertEquals(CallResource.FAILED, status(c));
    }

    @Test
    void statusCallbackIsPostedAndRetried() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        AtomicInteger hits = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/cb", x -> {
            bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            x.sendResponseHeaders(hits.incrementAndGet() == 1 ? 500 : 200, -1);
            x.close();
        });
        server.start();
        CallResource c = connect("StatusCallback", "http://127.0.0.1:" + server.getAddress().getPort() + "/cb",
                "CustomField", "order 7");
        records.records.put(calls.lastId, rec("busy", 486, false));
        calls.live.clear();
        exotel.reconcile();
        exotel.deliverCallbacks();
        assertEquals(1, hits.get());
        exotel.deliverCallbacks();
        assertEquals(1, hits.get(), "the retry waits");
        Thread.sleep(1100);
        exotel.deliverCallbacks();
        assertEquals(2, hits.get());
        exotel.deliverCallbacks();
        assertEquals(2, hits.get(), "delivered once");
        String body = bodies.get(1);
        assertTrue(body.contains("CallSid=" + c.sid()), body);
        assertTrue(body.contains("Status=busy"), body);
        assertTrue(body.contains("CustomField=order+7"), body);
        assertTrue(body.contains("DateUpdated="), body);
        assertEquals("sent", exotel.call("acme", c.sid()).orElseThrow().callbackState());
    }

    private String status(CallResource c) throws ApiError {
        return exotel.call("acme", c.sid()).orElseThrow().status();
    }

    private static CallRecord rec(String reason, int code, boolean answered) {
        Instant t = Instant.now();
        return new CallRecord("x", "a", "b", List.of(), t, answered ? t : null, t.plusSeconds(1), reason, "callee", code);
    }

    private static CallInfo info(String id, String state, String firstLegState) {
        Party p = Party.of(Aor.parse("agent1@node.test"));
        return new CallInfo(id, p, p, state, Instant.now(), null, List.of(
                new CallInfo.LegInfo(id + ".1", "originate", p, "calling", Map.of()),
                new CallInfo.LegInfo(id + ".2", "sip", p, firstLegState, Map.of())));
    }

    // --- fakes of the core ----------------------------------------------------------------------------------------

    static final class Calls implements CallService {
        final List<Originate> originated = new CopyOnWriteArrayList<>();
        final Map<String, CallInfo> live = new ConcurrentHashMap<>();
        volatile boolean refuse;
        volatile String lastId;

        @Override
        public String originate(Originate request) {
            if (refuse) {
                throw new IllegalStateException("call refused: node stopping");
            }
            originated.add(request);
            lastId = "core-" + originated.size();
            return lastId;
        }

        @Override
        public LegControl place(Leg caller, Aor destination, String offer, int hops) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<CallInfo> calls() {
            return new ArrayList<>(live.values());
        }

        @Override
        public Optional<CallInfo> call(String id) {
            return Optional.ofNullable(live.get(id));
        }

        @Override
        public boolean hangup(String id, String reason) {
            return live.remove(id) != null;
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

    static final class Records implements CallRecords {
        final Map<String, CallRecord> records = new ConcurrentHashMap<>();

        @Override
        public List<CallRecord> recent(int limit) {
            return List.copyOf(records.values());
        }

        @Override
        public Optional<CallRecord> find(String id) {
            return Optional.ofNullable(records.get(id));
        }

        @Override
        public long count() {
            return records.size();
        }
    }

    static final class Users implements Directory {
        final Map<Aor, User> users = new ConcurrentHashMap<>();

        Users() {
            users.put(Aor.parse("bob@node.test"), new User(Aor.parse("bob@node.test"), "Bob", Instant.now()));
        }

        @Override
        public User create(Aor aor, String password, String displayName) {
            User u = new User(aor, displayName, Instant.now());
            users.put(aor, u);
            return u;
        }

        @Override
        public void delete(Aor aor) {
            users.remove(aor);
        }

        @Override
        public void setPassword(Aor aor, String password) {
        }

        @Override
        public Optional<User> find(Aor aor) {
            return Optional.ofNullable(users.get(aor));
        }

        @Override
        public List<User> list(String filter) {
            return List.copyOf(users.values());
        }

        @Override
        public Optional<Credential> credential(Aor aor, String realm, DigestAlgorithm algorithm) {
            return Optional.empty();
        }

        @Override
        public int count() {
            return users.size();
        }
    }
}
