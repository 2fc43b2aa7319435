package org.patchbay.sip.internal.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import javax.sip.header.FromHeader;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchbay.api.call.CallRecord;
import org.patchbay.api.call.LegFactory;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Credential;
import org.patchbay.api.identity.DigestAlgorithm;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.identity.User;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationService;
import org.patchbay.core.internal.call.CallManager;
import org.patchbay.sip.internal.auth.Authenticator;
import org.patchbay.sip.internal.stack.HandlerRegistry;
import org.patchbay.sip.internal.stack.SipSettings;
import org.patchbay.sip.internal.stack.SipStackRuntime;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipRequestHandler;

/**
 * The SIP adapter between two SIPp peers, on a real stack with the real core B2BUA (records on H2). Digest is not
 * verified here (the registrar's authenticator has its own tests): a request with credentials is taken as their user.
 */
class SipCallsTest {
    private static final String DOMAIN = "example.test";

    @TempDir
    Path work;
    private final HandlerRegistry handlers = new HandlerRegistry();
    private final Map<Aor, List<Binding>> bindings = new ConcurrentHashMap<>();
    private SipStackRuntime stack;
    private CallManager core;
    private SipCalls sip;
    private int port;
    private Path users;

    @BeforeEach
    void start() throws Exception {
        port = Sipp.freePort();
        SipSettings s = SipSettings.parse(Map.of("host", "127.0.0.1", "udp.port", port, "tcp.port", port,
                "tls.enabled", "false", "ws.enabled", "false", "wss.enabled", "false", "domain", DOMAIN));
        stack = new SipStackRuntime(s, null, handlers, () -> new TrustingAuthenticator());
        stack.start();
        JdbcDataSource ds = new JdbcDataSource();
        // a fresh database per test: ports (and so a port-based name) repeat within one JVM
        ds.setURL("jdbc:h2:mem:calls-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        for (String script : new String[] {"V1__calls.sql", "V2__leg_media.sql"}) { // the core's CDR migrations
            try (InputStream in = CallManager.class.getClassLoader().getResourceAsStream("db/calls/" + script);
                    Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                for (String sql : new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "")
                        .split(";")) {
                    if (!sql.isBlank()) {
                        st.execute(sql);
                    }
                }
            }
        }
        core = CallManager.outsideOsgi(new Users(), ds, Clock.systemUTC(), config(3));
        core.bindLocation(new Locations());
        sip = new SipCalls(core, stack);
        core.bindFactory(sip, Map.of(LegFactory.ADAPTER, "sip"));
        handlers.add(sip, Map.of(SipRequestHandler.METHODS, "INVITE"));
        users = work.resolve("users.csv");
        Files.writeString(users, "SEQUENTIAL\nalice;[authentication username=alice password=secret12];" + DOMAIN + "\n");
    }

    @AfterEach
    void stop() {
        sip.deactivate();
        core.deactivate();
        stack.stop();
    }

    @Test
    void answeredCallThenCallerHangsUp() throws Exception {
        CallRecord r = call("uac_call.xml", "uas_answer.xml");
        assertEquals("normal", r.endReason());
        assertEquals("caller", r.endedBy());
    }

    @Test
    void calleeHangsUp() throws Exception {
        CallRecord r = call("uac_wait_bye.xml", "uas_bye.xml");
        assertEquals("normal", r.endReason());
        assertEquals("callee", r.endedBy());
    }

    @Test
    void busy() throws Exception {
        CallRecord r = call("uac_busy.xml", "uas_busy.xml");
        assertEquals("busy", r.endReason());
        assertEquals(486, r.code());
    }

    @Test
    void callerCancels() throws Exception {
        CallRecord r = call("uac_cancel.xml", "uas_ring.xml");
        assertEquals("cancelled", r.endReason());
        assertEquals(487, r.code());
    }

    @Test
    void ringTimeout() throws Exception {
        CallRecord r = call("uac_480.xml", "uas_ring.xml");
        assertEquals("no-answer", r.endReason());
        assertEquals(480, r.code());
    }

    @Test
    void holdAndResume() throws Exception {
        CallRecord r = call("uac_hold.xml", "uas_hold.xml");
        assertEquals("normal", r.endReason());
    }

    @Test
    void calleeOverTcp() throws Exception {
        try (Sipp uas = Sipp.start(work, "uas_answer.xml", null, "-t", "tn", "-max_socket", "100", "-m", "1")) {
            Instant now = Instant.now();
            bindings.put(new Aor("bob", DOMAIN), List.of(new Binding(new Aor("bob", DOMAIN), "sip:bob@127.0.0.1:"
                    + uas.port + ";transport=tcp", null, 0, "reg", 1, "sip", "tcp", new InetSocketAddress("127.0.0.1",
                    40000), "tcp:127.0.0.1:40000", List.of(), "sipp", -1, now, now.plusSeconds(600))));
            Thread.sleep(300);
            try (Sipp uac = uac("uac_call.xml", "bob")) {
                assertEquals(0, uac.await(30), uac.output());
            }
            assertEquals(0, uas.await(30), uas.output());
        }
        awaitIdle();
    }

    @Test
    void unknownUser() throws Exception {
        try (Sipp uac = uac("uac_404.xml", "nobody")) {
            assertEquals(0, uac.await(30), uac.output());
        }
        awaitIdle();
    }

    @Test
    void forkFirstAnswerWinsAndTheOtherIsCancelledWithReason() throws Exception {
        try (Sipp ringing = Sipp.start(work, "uas_ring_elsewhere.xml", null, "-m", "1");
                Sipp answering = Sipp.start(work, "uas_answer.xml", null, "-m", "1")) {
            bindings.put(new Aor("bob", DOMAIN), List.of(binding(ringing.port), binding(answering.port)));
            Thread.sleep(300);
            try (Sipp uac = uac("uac_call.xml", "bob")) {
                assertEquals(0, uac.await(30), uac.output());
            }
            assertEquals(0, answering.await(30), answering.output());
            assertEquals(0, ringing.await(30), ringing.output());
        }
        awaitIdle();
    }

    private CallRecord call(String uacScenario, String uasScenario) throws Exception {
        try (Sipp uas = Sipp.start(work, uasScenario, null, "-m", "1")) {
            bindings.put(new Aor("bob", DOMAIN), List.of(binding(uas.port)));
            Thread.sleep(300);
            try (Sipp uac = uac(uacScenario, "bob")) {
                assertEquals(0, uac.await(30), uac.output());
            }
            assertEquals(0, uas.await(30), uas.output());
        }
        awaitIdle();
        List<CallRecord> records = core.recent(1);
        await(() -> !core.recent(1).isEmpty());
        return records.isEmpty() ? core.recent(1).get(0) : records.get(0);
    }

    private Sipp uac(String scenario, String callee) throws Exception {
        return Sipp.start(work, scenario, "127.0.0.1:" + port, "-inf", users.toString(), "-s", callee, "-m", "1",
                "-d", "200");
    }

    /**
     * Core and adapter hold nothing once the call is over. The stack's own tables empty later: terminated dialogs stay
     * for jain-sip's linger timer (8 s) and transactions for their RFC 3261 timers (itests/e2e CallLoadIT checks them).
     */
    private void awaitIdle() {
        await(() -> core.liveCalls() == 0 && core.liveLegs() == 0 && sip.liveLegs() == 0, 10);
    }

    private static void await(BooleanSupplier condition) {
        await(condition, 10);
    }

    private static void await(BooleanSupplier condition, int seconds) {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not idle within " + seconds + " s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static Binding binding(int port) {
        Instant now = Instant.now();
        return new Binding(new Aor("bob", DOMAIN), "sip:bob@127.0.0.1:" + port, null, 0, "reg", 1, "sip", "udp",
                new InetSocketAddress("127.0.0.1", port), null, List.of(), "sipp", -1, now, now.plusSeconds(600));
    }

    private static CallManager.Config config(int ringSeconds) {
        return new CallManager.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return CallManager.Config.class;
            }

            @Override
            public int ring_timeout_seconds() {
                return ringSeconds;
            }

            @Override
            public int ring_timeout_code() {
                return 480;
            }

            @Override
            public int max_calls() {
                return 10_000;
            }

            @Override
            public int threads() {
                return 2;
            }
        };
    }

    /** Challenges once; takes the credentials' user name as the caller without checking the digest. */
    private static final class TrustingAuthenticator implements Authenticator {
        @Override
        public Optional<Aor> authenticate(SipExchange ex, boolean proxy) {
            Request req = ex.request();
            ProxyAuthorizationHeader auth = (ProxyAuthorizationHeader) req.getHeader(ProxyAuthorizationHeader.NAME);
            if (auth != null) {
                FromHeader from = (FromHeader) req.getHeader(FromHeader.NAME);
                return Optional.of(new Aor(auth.getUsername(), ex.node().domainOf(
                        (javax.sip.address.SipURI) from.getAddress().getURI())));
            }
            try {
                Response r = ex.createResponse(Response.PROXY_AUTHENTICATION_REQUIRED);
                ProxyAuthenticateHeader h = ex.node().headerFactory().createProxyAuthenticateHeader("Digest");
                h.setRealm(DOMAIN);
                h.setNonce("0123456789abcdef");
                h.setAlgorithm("MD5");
                r.addHeader(h);
                ex.respond(r);
            } catch (Exception e) {
                ex.respond(500);
            }
            return Optional.empty();
        }

        @Override
        public boolean admit(Request request, java.net.InetSocketAddress source) {
            return true;
        }
    }

    private final class Locations implements LocationService {
        @Override
        public List<Binding> lookup(Aor aor) {
            return bindings.getOrDefault(aor, List.of());
        }

        @Override
        public List<Binding> all() {
            return List.of();
        }

        @Override
        public Binding bind(Binding binding) {
            return binding;
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
            return 0;
        }
    }

    /** Everybody exists except {@code nobody}. */
    private static final class Users implements Directory {
        @Override
        public User create(Aor aor, String password, String displayName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(Aor aor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setPassword(Aor aor, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<User> find(Aor aor) {
            return aor.user().equals("nobody") ? Optional.empty() : Optional.of(new User(aor, "", Instant.now()));
        }

        @Override
        public List<User> list(String filter) {
            return List.of();
        }

        @Override
        public Optional<Credential> credential(Aor aor, String realm, DigestAlgorithm algorithm) {
            return Optional.empty();
        }

        @Override
        public int count() {
            return 0;
        }
    }
}
