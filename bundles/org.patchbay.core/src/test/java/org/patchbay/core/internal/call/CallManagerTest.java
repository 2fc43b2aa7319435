package org.patchbay.core.internal.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import java.util.concurrent.ThreadLocalRandom;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchbay.api.call.CallInfo;
import org.patchbay.api.call.CallRecord;
import org.patchbay.api.call.LegControl;
import org.patchbay.api.call.LegFactory;
import org.patchbay.api.call.LegSignal;
import org.patchbay.api.call.Originate;
import org.patchbay.api.call.Party;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Credential;
import org.patchbay.api.identity.DigestAlgorithm;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.identity.User;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationService;
import org.patchbay.api.media.MediaHook;
import org.patchbay.api.media.MediaStats;
import org.patchbay.api.media.MediaUnavailableException;

class CallManagerTest {
    private static final Aor ALICE = Aor.parse("alice@example.com");
    private static final Aor BOB = Aor.parse("bob@example.com");
    private static final Aor CAROL = Aor.parse("carol@example.com");
    private static final String OFFER = "v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\n";
    private static final String ANSWER = "v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\n";

    @TempDir
    Path dir;
    private CallManager manager;
    private final Map<Aor, List<Binding>> bindings = new ConcurrentHashMap<>();
    private final List<FakeLeg> created = new CopyOnWriteArrayList<>();
    private LegFactory factory;

    @BeforeEach
    void setUp() throws Exception {
        bindings.put(BOB, List.of(binding(BOB, "sip:bob@127.0.0.1:5071")));
        bindings.put(ALICE, List.of(binding(ALICE, "sip:alice@127.0.0.1:5070")));
        manager = start(TestCallsConfig.DEFAULTS);
    }

    private CallManager start(CallManager.Config config) throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("db" + ThreadLocalRandom.current().nextInt()) + ";DB_CLOSE_DELAY=-1");
        migrate(ds);
        CallManager m = new CallManager(new Users(ALICE, BOB, CAROL), new CdrStore(ds), Clock.systemUTC(), config);
        m.bindLocation(new Locations());
        factory = new LegFactory() {
            @Override
            public org.patchbay.api.call.Leg create(Binding target, Party caller, Party callee, LegControl control) {
                return create(target, caller, callee, control, Map.of());
            }

            @Override
            public org.patchbay.api.call.Leg create(Binding target, Party caller, Party callee, LegControl control,
                    Map<String, String> headers) {
                FakeLeg leg = new FakeLeg(callee, target);
                leg.control = control;
                leg.headers = headers;
                created.add(leg);
                return leg;
            }
        };
        m.bindFactory(factory, Map.of(LegFactory.ADAPTER, "fake"));
        return m;
    }

    /** Runs the bundle's CDR migrations in order, as the store would. */
    static void migrate(javax.sql.DataSource ds) throws Exception {
        for (String script : new String[] {"V1__calls.sql", "V2__leg_media.sql"}) {
            try (InputStream in = CallManagerTest.class.getClassLoader().getResourceAsStream("db/calls/" + script);
                    Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
                for (String sql : text.split(";")) {
                    if (!sql.isBlank()) {
                        s.execute(sql);
                    }
                }
            }
        }
    }

    @AfterEach
    void tearDown() {
        manager.deactivate();
    }

    // --- outcomes ---------------------------------------------------------------------------------------------------

    @Test
    void answeredCallRelaysSdpAndHangupFromCaller() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        FakeLeg bob = callee(0);
        LegSignal.Connect connect = bob.next(LegSignal.Connect.class);
        assertEquals(OFFER, connect.sdp());
        assertEquals(69, connect.hops());
        bob.send(new LegSignal.Progress(180, "Ringing", null));
        assertEquals(180, alice.next(LegSignal.Progress.class).code());
        bob.send(new LegSignal.Progress(183, "Session Progress", ANSWER));
        assertEquals(ANSWER, alice.next(LegSignal.Progress.class).sdp());
        bob.send(new LegSignal.Answer(ANSWER));
        assertEquals(ANSWER, alice.next(LegSignal.Answer.class).sdp());
        a.signal(new LegSignal.Confirm(null));
        bob.next(LegSignal.Confirm.class);
        await(() -> "answered".equals(manager.calls().get(0).state()));
        a.signal(new LegSignal.Hangup(16, "bye"));
        bob.next(LegSignal.Hangup.class);
        CallRecord r = record(a.callId());
        assertEquals("normal", r.endReason());
        assertEquals("caller", r.endedBy());
        assertEquals(200, r.code());
        assertTrue(r.answered() != null);
        assertEquals("alice@example.com", r.caller());
        assertEquals("bob@example.com", r.callee());
        assertEquals(2, r.legs().size());
        assertNoLeaks();
    }

    @Test
    void hangupFromCallee() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        FakeLeg bob = answered(alice, 0);
        bob.send(new LegSignal.Hangup(16, ""));
        alice.next(LegSignal.Hangup.class);
        CallRecord r = record(a.callId());
        assertEquals("normal", r.endReason());
        assertEquals("callee", r.endedBy());
        assertNoLeaks();
    }

    @Test
    void parallelForkFirstAnswerWinsOthersCancelledWithReason() {
        bindings.put(BOB, List.of(binding(BOB, "sip:bob@127.0.0.1:5071"), binding(BOB, "sip:bob@127.0.0.1:5072"),
                binding(BOB, "sip:bob@127.0.0.1:5073")));
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        await(() -> created.size() == 3);
        created.forEach(l -> l.next(LegSignal.Connect.class));
        created.get(2).send(new LegSignal.Answer(ANSWER));
        alice.next(LegSignal.Answer.class);
        for (int i = 0; i < 2; i++) {
            LegSignal.Cancel c = created.get(i).next(LegSignal.Cancel.class);
            assertEquals(200, c.cause());
            assertEquals("Call completed elsewhere", c.text());
        }
        created.get(2).quiet();
        // a late 200 from a cancelled leg is told to go away, the caller sees nothing
        created.get(0).send(new LegSignal.Answer(ANSWER));
        alice.quiet();
        manager.hangup(a.callId(), "test");
        alice.next(LegSignal.Hangup.class);
        created.get(2).next(LegSignal.Hangup.class);
        CallRecord r = record(a.callId());
        assertEquals("admin", r.endReason());
        assertEquals("system", r.endedBy());
        assertEquals(4, r.legs().size());
        assertEquals("completed elsewhere", r.legs().get(1).outcome());
        assertEquals("answered", r.legs().get(3).outcome());
        assertNoLeaks();
    }

    @Test
    void busyCallee486() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        FakeLeg bob = callee(0);
        bob.next(LegSignal.Connect.class);
        bob.send(new LegSignal.Reject(486, "Busy Here"));
        assertEquals(486, alice.next(LegSignal.Reject.class).code());
        CallRecord r = record(a.callId());
        assertEquals("busy", r.endReason());
        assertEquals("callee", r.endedBy());
        assertEquals(486, r.code());
        assertNoLeaks();
    }

    @Test
    void rejectStatusMapTurnsExotelBusyIntoBusyHere() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        FakeLeg bob = callee(0);
        bob.next(LegSignal.Connect.class);
        bob.send(new LegSignal.Reject(480, "4001"));
        assertEquals(486, alice.next(LegSignal.Reject.class).code());
        assertEquals("busy", record(a.callId()).endReason());
        assertNoLeaks();
        // another phrase with the same status is left alone
        created.clear();
        FakeLeg alice2 = caller();
        manager.place(alice2, BOB, OFFER, 70);
        FakeLeg bob2 = callee(0);
        bob2.next(LegSignal.Connect.class);
        bob2.send(new LegSignal.Reject(480, "Temporarily Unavailable"));
        assertEquals(480, alice2.next(LegSignal.Reject.class).code());
        assertNoLeaks();
    }

    @Test
    void forkSelectsBusyOverOtherFailuresAnd6xxOverAll() {
        bindings.put(BOB, List.of(binding(BOB, "sip:bob@127.0.0.1:5071"), binding(BOB, "sip:bob@127.0.0.1:5072")));
        FakeLeg alice = caller();
        manager.place(alice, BOB, OFFER, 70);
        await(() -> created.size() == 2);
        created.get(0).send(new LegSignal.Reject(404, "Not Found"));
        created.get(1).send(new LegSignal.Reject(486, "Busy Here"));
        assertEquals(486, alice.next(LegSignal.Reject.class).code());
        assertNoLeaks();

        created.clear();
        FakeLeg alice2 = caller();
        manager.place(alice2, BOB, OFFER, 70);
        await(() -> created.size() == 2);
        created.get(0).send(new LegSignal.Reject(603, "Decline"));
        created.get(1).send(new LegSignal.Reject(486, "Busy Here"));
        assertEquals(603, alice2.next(LegSignal.Reject.class).code());
        assertNoLeaks();
    }

    @Test
    void unknownUser404() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, Aor.parse("nobody@example.com"), OFFER, 70);
        assertEquals(404, alice.next(LegSignal.Reject.class).code());
        CallRecord r = record(a.callId());
        assertEquals("not-found", r.endReason());
        assertEquals("system", r.endedBy());
        assertNoLeaks();
    }

    @Test
    void noBinding480() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, CAROL, OFFER, 70);
        assertEquals(480, alice.next(LegSignal.Reject.class).code());
        assertEquals("unavailable", record(a.callId()).endReason());
        assertNoLeaks();
    }

    @Test
    void noHopsLeft483() {
        FakeLeg alice = caller();
        manager.place(alice, BOB, OFFER, 0);
        assertEquals(483, alice.next(LegSignal.Reject.class).code());
        assertTrue(created.isEmpty());
        assertNoLeaks();
    }

    @Test
    void ringTimeoutCancelsAndAnswers480() throws Exception {
        manager.deactivate();
        manager = start(TestCallsConfig.DEFAULTS.ringSeconds(1));
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        FakeLeg bob = callee(0);
        bob.next(LegSignal.Connect.class);
        bob.send(new LegSignal.Progress(180, "Ringing", null));
        alice.next(LegSignal.Progress.class);
        LegSignal.Reject reject = alice.next(LegSignal.Reject.class);
        assertEquals(480, reject.code());
        bob.next(LegSignal.Cancel.class);
        CallRecord r = record(a.callId());
        assertEquals("no-answer", r.endReason());
        assertEquals("system", r.endedBy());
        assertNoLeaks();
    }

    @Test
    void aConfigurationChangeAppliesToTheNextCallsWithoutARestart() {
        manager.modified(TestCallsConfig.DEFAULTS.ringSeconds(1).ringCode(408).threads(4));
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        callee(0).next(LegSignal.Connect.class);
        assertEquals(408, alice.next(LegSignal.Reject.class).code());
        assertEquals("no-answer", record(a.callId()).endReason());
        assertNoLeaks();

        manager.modified(TestCallsConfig.DEFAULTS.maxCalls(1).threads(1));
        created.clear();
        FakeLeg first = caller();
        LegControl f = manager.place(first, BOB, OFFER, 70);
        callee(0).next(LegSignal.Connect.class);
        FakeLeg second = caller();
        manager.place(second, BOB, OFFER, 70);
        assertEquals(503, second.next(LegSignal.Reject.class).code(), "one live call at most");
        assertTrue(manager.hangup(f.callId(), "test"));
        assertEquals(487, first.next(LegSignal.Reject.class).code());
        assertNoLeaks();
    }

    @Test
    void bindingsThatCannotBeRungAreSkippedAndTheOthersRing() {
        manager.bindFactory(new LegFactory() {
            @Override
            public org.patchbay.api.call.Leg create(Binding target, Party caller, Party callee, LegControl control) {
                throw new IllegalStateException("adapter down");
            }
        }, Map.of(LegFactory.ADAPTER, "broken"));
        bindings.put(BOB, List.of(binding(BOB, "sip:bob@127.0.0.1:5071", "nope"),
                binding(BOB, "sip:bob@127.0.0.1:5072", "broken"), binding(BOB, "sip:bob@127.0.0.1:5073")));
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        FakeLeg bob = callee(0);
        assertEquals("sip:bob@127.0.0.1:5073", bob.target.contact());
        assertEquals(69, bob.next(LegSignal.Connect.class).hops());
        assertEquals(2, manager.call(a.callId()).orElseThrow().legs().size(), "the caller and the one leg rung");
        bob.send(new LegSignal.Reject(486, "Busy Here"));
        assertEquals(486, alice.next(LegSignal.Reject.class).code());
        assertNoLeaks();

        bindings.put(BOB, List.of(binding(BOB, "sip:bob@127.0.0.1:5071", "nope"),
                binding(BOB, "sip:bob@127.0.0.1:5072", "broken")));
        FakeLeg alice2 = caller();
        LegControl a2 = manager.place(alice2, BOB, OFFER, 70);
        assertEquals(480, alice2.next(LegSignal.Reject.class).code(), "no binding could be rung");
        assertEquals("unavailable", record(a2.callId()).endReason());
        assertEquals(1, created.size());
        assertNoLeaks();
    }

    @Test
    void callerCancel487() {
        bindings.put(BOB, List.of(binding(BOB, "sip:bob@127.0.0.1:5071"), binding(BOB, "sip:bob@127.0.0.1:5072")));
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        await(() -> created.size() == 2);
        created.get(0).next(LegSignal.Connect.class);
        a.signal(new LegSignal.Cancel(0, ""));
        assertEquals(487, alice.next(LegSignal.Reject.class).code());
        created.get(0).next(LegSignal.Cancel.class);
        created.get(1).next(LegSignal.Connect.class);
        created.get(1).next(LegSignal.Cancel.class);
        CallRecord r = record(a.callId());
        assertEquals("cancelled", r.endReason());
        assertEquals("caller", r.endedBy());
        assertEquals(487, r.code());
        assertNoLeaks();
    }

    @Test
    void reInviteRelayedAndGlareGets491() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        FakeLeg bob = answered(alice, 0);
        a.signal(new LegSignal.Modify("a1", LegSignal.Modify.Kind.REINVITE, "hold"));
        LegSignal.Modify toBob = bob.next(LegSignal.Modify.class);
        assertEquals("hold", toBob.sdp());
        // bob's own re-INVITE crosses alice's: glare
        bob.send(new LegSignal.Modify("b1", LegSignal.Modify.Kind.REINVITE, "x"));
        LegSignal.ModifyResult glare = bob.next(LegSignal.ModifyResult.class);
        assertEquals(491, glare.code());
        assertEquals("b1", glare.txn());
        bob.send(new LegSignal.ModifyResult(toBob.txn(), 200, "OK", "held"));
        LegSignal.ModifyResult back = alice.next(LegSignal.ModifyResult.class);
        assertEquals("a1", back.txn());
        assertEquals(200, back.code());
        assertEquals("held", back.sdp());
        // resume from the other side now works
        bob.send(new LegSignal.Modify("b2", LegSignal.Modify.Kind.UPDATE, "resume"));
        LegSignal.Modify toAlice = alice.next(LegSignal.Modify.class);
        assertEquals(LegSignal.Modify.Kind.UPDATE, toAlice.kind());
        a.signal(new LegSignal.ModifyResult(toAlice.txn(), 200, "OK", "resumed"));
        assertEquals("b2", bob.next(LegSignal.ModifyResult.class).txn());
        // INFO both ways
        a.signal(new LegSignal.Info("i9", "application/dtmf-relay", "Signal=5".getBytes(StandardCharsets.UTF_8)));
        LegSignal.Info info = bob.next(LegSignal.Info.class);
        assertEquals("Signal=5", new String(info.body(), StandardCharsets.UTF_8));
        bob.send(new LegSignal.InfoResult(info.txn(), 200, "OK"));
        assertEquals("i9", alice.next(LegSignal.InfoResult.class).txn());
        bob.send(new LegSignal.Hangup(16, ""));
        alice.next(LegSignal.Hangup.class);
        assertNoLeaks();
    }

    @Test
    void adminHangupOfRingingCallCancelsAndAnswers487() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        FakeLeg bob = callee(0);
        bob.next(LegSignal.Connect.class);
        assertTrue(manager.hangup(a.callId(), "admin"));
        assertEquals(487, alice.next(LegSignal.Reject.class).code());
        bob.next(LegSignal.Cancel.class);
        assertEquals("admin", record(a.callId()).endReason());
        assertFalse(manager.hangup("nope", "admin"));
        assertNoLeaks();
    }

    @Test
    void lostLegsEndTheCall() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        FakeLeg bob = answered(alice, 0);
        bob.control.lost("tcp connection closed");
        alice.next(LegSignal.Hangup.class);
        CallRecord r = record(a.callId());
        assertEquals("lost", r.endReason());
        assertEquals("callee", r.endedBy());
        assertNoLeaks();

        created.clear();
        FakeLeg alice2 = caller();
        LegControl a2 = manager.place(alice2, BOB, OFFER, 70);
        FakeLeg bob2 = callee(0);
        bob2.next(LegSignal.Connect.class);
        a2.lost("transport");
        bob2.next(LegSignal.Cancel.class);
        assertEquals("caller", record(a2.callId()).endedBy());

        created.clear();
        FakeLeg alice3 = caller();
        manager.place(alice3, BOB, OFFER, 70);
        FakeLeg bob3 = callee(0);
        bob3.next(LegSignal.Connect.class);
        bob3.control.lost("timeout");
        assertEquals(408, alice3.next(LegSignal.Reject.class).code());
        assertNoLeaks();
    }

    @Test
    void adapterStoppingEndsItsLegs() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        answered(alice, 0);
        manager.unbindFactory(factory, Map.of(LegFactory.ADAPTER, "fake"));
        alice.next(LegSignal.Hangup.class);
        assertEquals("lost", record(a.callId()).endReason());
        assertNoLeaks();
    }

    @Test
    void mediaHookSeesEverySdpAndIsReleased() {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> released = new CopyOnWriteArrayList<>();
        manager.bindMedia(new MediaHook() {
            @Override
            public String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp) {
                seen.add(kind + ":" + sdp);
                return sdp + "anchored";
            }

            @Override
            public void release(String callId) {
                released.add(callId);
            }
        });
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        FakeLeg bob = callee(0);
        assertEquals(OFFER + "anchored", bob.next(LegSignal.Connect.class).sdp());
        bob.send(new LegSignal.Answer(ANSWER));
        assertEquals(ANSWER + "anchored", alice.next(LegSignal.Answer.class).sdp());
        a.signal(new LegSignal.Hangup(0, ""));
        await(() -> released.contains(a.callId()));
        assertEquals(List.of("OFFER:" + OFFER, "ANSWER:" + ANSWER), seen);
    }

    @Test
    void losingForksReleaseTheirMediaAtOnceAndTheRecordCarriesEveryLegsFinalStats() {
        bindings.put(BOB, List.of(binding(BOB, "sip:bob@127.0.0.1:5071"), binding(BOB, "sip:bob@127.0.0.1:5072"),
                binding(BOB, "sip:bob@127.0.0.1:5073")));
        List<String> releases = new CopyOnWriteArrayList<>();
        manager.bindMedia(new PassThroughHook() {
            @Override
            public void release(String callId) {
                throw new AssertionError("the core calls releaseCall");
            }

            @Override
            public List<MediaStats> releaseCall(String callId) {
                releases.add("call");
                return List.of(stats(callId + ".caller-ignored", 1), stats(legOf(0), 50), stats(legOf(3), 70));
            }

            @Override
            public MediaStats releaseLeg(String callId, String legId) {
                releases.add(legId);
                return legId.equals(legOf(2)) ? stats(legId, 3) : null;
            }

            private String legOf(int i) {
                return i == 0 ? callerLeg[0] : calleeLegs.get(i - 1);
            }
        });
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        callerLeg[0] = a.legId();
        await(() -> created.size() == 3);
        created.forEach(l -> {
            l.next(LegSignal.Connect.class);
            calleeLegs.add(l.control.legId());
        });
        created.get(0).send(new LegSignal.Reject(486, "Busy Here"));
        await(() -> releases.contains(calleeLegs.get(0)));
        assertEquals(List.of(calleeLegs.get(0)), releases, "the rejected fork at once, the call goes on");
        created.get(2).send(new LegSignal.Answer(ANSWER));
        alice.next(LegSignal.Answer.class);
        await(() -> releases.contains(calleeLegs.get(1)));
        assertEquals(List.of(calleeLegs.get(0), calleeLegs.get(1)), releases, "the cancelled fork, not the winner");
        a.signal(new LegSignal.Hangup(0, ""));
        CallRecord r = record(a.callId());
        assertEquals(List.of(calleeLegs.get(0), calleeLegs.get(1), "call"), releases);
        assertEquals(50, r.legs().get(0).media().packetsIn(), "caller");
        assertNull(r.legs().get(1).media(), "the busy fork had no endpoint");
        assertEquals(3, r.legs().get(2).media().packetsIn(), "the cancelled fork's stats from its release");
        CallRecord.LegMedia winner = r.legs().get(3).media();
        assertEquals(new CallRecord.LegMedia("PCMA/8000", 70, 7000, 71, 7100, 2, 1.5, 12.25, true), winner);
    }

    private final String[] callerLeg = new String[1];
    private final List<String> calleeLegs = new CopyOnWriteArrayList<>();

    private static MediaStats stats(String leg, long packets) {
        return new MediaStats(leg, "127.0.0.1:20000", "127.0.0.1:4000", true, "sendrecv", packets, packets * 100,
                packets + 1, (packets + 1) * 100, 2, 1.5, 0, 0, 12.25, 0, "PCMA/8000", true);
    }

    @Test
    void mediaHookIsToldWhichCalleeIsABrowser() {
        Instant now = Instant.now();
        bindings.put(BOB, List.of(binding(BOB, "sip:bob@127.0.0.1:5071"), new Binding(BOB, "sip:bob@x.invalid;transport=ws",
                null, 0, "reg", 1, "fake", "wss", new InetSocketAddress("127.0.0.1", 5072), "flow-1", List.of(), "", -1,
                now, now.plusSeconds(3600))));
        List<String> seen = new CopyOnWriteArrayList<>();
        manager.bindMedia(new PassThroughHook() {
            @Override
            public String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp) {
                throw new AssertionError("the core calls the variant with the profile");
            }

            @Override
            public String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp, Profile profile) {
                seen.add(kind + " " + profile);
                return sdp;
            }
        });
        FakeLeg alice = caller();
        manager.place(alice, BOB, OFFER, 70);
        callee(0).next(LegSignal.Connect.class);
        FakeLeg browser = callee(1);
        browser.next(LegSignal.Connect.class);
        browser.send(new LegSignal.Answer(ANSWER));
        alice.next(LegSignal.Answer.class);
        assertEquals(List.of("OFFER RTP", "OFFER WEBRTC", "ANSWER UNKNOWN"), seen);
    }

    @Test
    void infoFromTheNodeReachesTheNamedLegOfAnAnsweredCallOnly() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        assertTrue(manager.info(a.callId(), a.callId() + ".1", "application/dtmf-relay", new byte[0]),
                "a live call: accepted, but not answered yet, so nothing is sent (checked below: the first INFO is the later one)");
        FakeLeg bob = answered(alice, 0);
        assertTrue(manager.info(a.callId(), a.callId() + ".1", "application/dtmf-relay",
                "Signal=5\r\nDuration=160\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        LegSignal.Info info = alice.next(LegSignal.Info.class);
        assertEquals("application/dtmf-relay", info.contentType());
        assertEquals("Signal=5\r\nDuration=160\r\n", new String(info.body(), java.nio.charset.StandardCharsets.US_ASCII));
        a.signal(new LegSignal.InfoResult(info.txn(), 200, "OK")); // its answer goes nowhere
        assertFalse(manager.info("no-such-call", "x.1", "application/dtmf-relay", new byte[0]));
        a.signal(new LegSignal.Hangup(0, ""));
        bob.next(LegSignal.Hangup.class);
        assertNoLeaks();
    }

    @Test
    void infoDtmfTakenByTheMediaEngineIsAnsweredHereOtherInfoIsRelayed() {
        List<String> digits = new CopyOnWriteArrayList<>();
        manager.bindMedia(new PassThroughHook() {
            @Override
            public boolean dtmf(String callId, String fromLeg, String toLeg, char digit, int durationMillis) {
                digits.add(fromLeg.substring(callId.length()) + ">" + toLeg.substring(callId.length()) + " " + digit
                        + " " + durationMillis);
                return digit != '9';
            }
        });
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        FakeLeg bob = answered(alice, 0);
        byte[] five = "Signal=5\r\nDuration=160\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        a.signal(new LegSignal.Info("t1", "application/dtmf-relay", five));
        LegSignal.InfoResult r = alice.next(LegSignal.InfoResult.class);
        assertEquals("t1", r.txn());
        assertEquals(200, r.code());
        a.signal(new LegSignal.Info("t2", "application/dtmf-relay", "Signal=9\nDuration=x".getBytes()));
        LegSignal.Info relayed = bob.next(LegSignal.Info.class);
        assertEquals("Signal=9\nDuration=x", new String(relayed.body()), "the engine declined: relayed");
        a.signal(new LegSignal.Info("t3", "application/json", "{}".getBytes()));
        assertEquals("{}", new String(bob.next(LegSignal.Info.class).body()), "not DTMF: relayed");
        assertEquals(List.of(".1>.2 5 160", ".1>.2 9 250"), digits);
        a.signal(new LegSignal.Hangup(0, ""));
        bob.next(LegSignal.Hangup.class);
        assertNoLeaks();
    }

    @Test
    void noMediaForTheOnlyLegRefusesTheCallWith503() {
        manager.bindMedia(new PassThroughHook() {
            @Override
            public String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp) {
                throw new MediaUnavailableException("no free RTP port pair");
            }
        });
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        assertEquals(503, alice.next(LegSignal.Reject.class).code());
        assertTrue(created.isEmpty(), "no leg towards bob without media");
        assertEquals("failed", record(a.callId()).endReason());
        assertNoLeaks();
    }

    @Test
    void hangupReasonTokenIsTheRecordedEndReason() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        FakeLeg bob = answered(alice, 0);
        assertTrue(manager.hangup(a.callId(), "media-timeout"));
        alice.next(LegSignal.Hangup.class);
        bob.next(LegSignal.Hangup.class);
        assertEquals("media-timeout", record(a.callId()).endReason());
        assertEquals("system", record(a.callId()).endedBy());
        assertNoLeaks();
    }

    @Test
    void listingsShowLiveCalls() {
        FakeLeg alice = caller();
        LegControl a = manager.place(alice, BOB, OFFER, 70);
        callee(0).next(LegSignal.Connect.class);
        await(() -> "ringing".equals(manager.call(a.callId()).map(CallInfo::state).orElse("")));
        CallInfo info = manager.calls().get(0);
        assertEquals("alice@example.com", info.caller().label());
        assertEquals(2, info.legs().size());
        assertEquals(2, manager.liveLegs());
        assertNull(info.answered());
    }

    @Test
    void manyMixedCallsLeaveNothingBehind() {
        bindings.put(BOB, List.of(binding(BOB, "sip:bob@127.0.0.1:5071"), binding(BOB, "sip:bob@127.0.0.1:5072")));
        List<FakeLeg> callers = new ArrayList<>();
        List<LegControl> controls = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            FakeLeg c = caller();
            callers.add(c);
            controls.add(manager.place(c, BOB, OFFER, 70));
        }
        await(() -> created.size() == 4000);
        Map<String, List<FakeLeg>> byCall = new ConcurrentHashMap<>();
        created.forEach(l -> byCall.computeIfAbsent(l.control.callId(), k -> new CopyOnWriteArrayList<>()).add(l));
        for (int i = 0; i < 2000; i++) {
            List<FakeLeg> legs = byCall.get(controls.get(i).callId());
            switch (i % 4) {
                case 0 -> {
                    legs.get(0).send(new LegSignal.Answer(ANSWER));
                    legs.get(1).send(new LegSignal.Answer(ANSWER));
                    controls.get(i).signal(new LegSignal.Hangup(0, ""));
                }
                case 1 -> legs.forEach(l -> l.send(new LegSignal.Reject(486, "Busy")));
                case 2 -> controls.get(i).signal(new LegSignal.Cancel(0, ""));
                default -> {
                    legs.get(1).send(new LegSignal.Answer(ANSWER));
                    legs.get(1).send(new LegSignal.Hangup(0, ""));
                }
            }
        }
        await(() -> manager.liveCalls() == 0 && manager.liveLegs() == 0);
        await(() -> manager.cdrBacklog() == 0);
        await(() -> manager.count() == 2000);
    }

    // --- originate ----------------------------------------------------------------------------------------------------

    private static Originate originate(int ringSeconds, int maxSeconds) {
        return new Originate(ALICE, BOB, new Party(null, "sip:0801234@example.com", "0801234"), ringSeconds, maxSeconds,
                Map.of("X-Test-Sid", "s1"), Map.of());
    }

    @Test
    void originateRingsFirstThenSecondAndBridges() {
        String id = manager.originate(originate(0, 0));
        FakeLeg alice = callee(0);
        assertEquals(ALICE, alice.party.aor());
        assertEquals(Map.of("X-Test-Sid", "s1"), alice.headers);
        LegSignal.Connect offer = alice.next(LegSignal.Connect.class);
        assertTrue(offer.sdp().contains("m=audio"), "the first party gets an offer: " + offer.sdp());
        alice.send(new LegSignal.Progress(180, "Ringing", null));
        await(() -> "ringing".equals(manager.call(id).orElseThrow().state()));
        assertEquals(1, created.size(), "the second party is not rung before the first answered");
        alice.send(new LegSignal.Answer(ANSWER));
        alice.next(LegSignal.Confirm.class);
        FakeLeg bob = callee(1);
        assertEquals(BOB, bob.party.aor());
        assertEquals(Map.of(), bob.headers);
        assertEquals(ANSWER, bob.next(LegSignal.Connect.class).sdp(), "the second party's offer comes from the first");
        assertEquals("ringing", manager.call(id).orElseThrow().state());
        bob.send(new LegSignal.Progress(180, "Ringing", null));
        bob.send(new LegSignal.Answer(OFFER));
        bob.next(LegSignal.Confirm.class);
        await(() -> "answered".equals(manager.call(id).orElseThrow().state()));
        alice.quiet();
        bob.send(new LegSignal.Hangup(16, "bye"));
        alice.next(LegSignal.Hangup.class);
        CallRecord r = record(id);
        assertEquals("normal", r.endReason());
        assertEquals("alice@example.com", r.caller());
        assertEquals("bob@example.com", r.callee());
        assertEquals("callee", r.endedBy());
        assertTrue(r.answered() != null);
        assertEquals(3, r.legs().size(), r.legs().toString()); // the node's side, alice, bob
        assertNoLeaks();
    }

    @Test
    void originateFirstBusyEndsTheCallWithoutRingingTheSecond() {
        String id = manager.originate(originate(0, 0));
        FakeLeg alice = callee(0);
        alice.next(LegSignal.Connect.class);
        alice.send(new LegSignal.Reject(486, "Busy Here"));
        CallRecord r = record(id);
        assertEquals("busy", r.endReason());
        assertEquals(1, created.size());
        assertNoLeaks();
    }

    @Test
    void originateSecondNotAnsweringHangsUpTheFirst() {
        String id = manager.originate(originate(1, 0));
        FakeLeg alice = callee(0);
        alice.next(LegSignal.Connect.class);
        alice.send(new LegSignal.Answer(ANSWER));
        alice.next(LegSignal.Confirm.class);
        FakeLeg bob = callee(1);
        bob.next(LegSignal.Connect.class);
        bob.next(LegSignal.Cancel.class);
        alice.next(LegSignal.Hangup.class);
        CallRecord r = record(id);
        assertEquals("no-answer", r.endReason());
        assertNull(r.answered());
        assertNoLeaks();
    }

    @Test
    void originateTimeLimitEndsTheAnsweredCall() {
        String id = manager.originate(originate(0, 1));
        FakeLeg alice = callee(0);
        alice.next(LegSignal.Connect.class);
        alice.send(new LegSignal.Answer(ANSWER));
        alice.next(LegSignal.Confirm.class);
        FakeLeg bob = callee(1);
        bob.next(LegSignal.Connect.class);
        bob.send(new LegSignal.Answer(OFFER));
        bob.next(LegSignal.Confirm.class);
        bob.next(LegSignal.Hangup.class);
        alice.next(LegSignal.Hangup.class);
        assertEquals(Originate.TIME_LIMIT, record(id).endReason());
        assertNoLeaks();
    }

    @Test
    void originateRejectsBadHeaders() {
        Party p = new Party(null, "sip:x@example.com", "");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Originate(ALICE, BOB, p, 0, 0, Map.of("Via", "x"), Map.of()));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Originate(ALICE, BOB, p, 0, 0, Map.of("X-A", "a\r\nVia: x"), Map.of()));
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private FakeLeg caller() {
        return new FakeLeg(new Party(ALICE, "sip:alice@example.com", "Alice"), null);
    }

    private FakeLeg callee(int i) {
        await(() -> created.size() > i);
        return created.get(i);
    }

    private FakeLeg answered(FakeLeg alice, int i) {
        FakeLeg bob = callee(i);
        bob.next(LegSignal.Connect.class);
        bob.send(new LegSignal.Answer(ANSWER));
        alice.next(LegSignal.Answer.class);
        return bob;
    }

    private CallRecord record(String id) {
        await(() -> manager.find(id).isPresent());
        return manager.find(id).orElseThrow();
    }

    private void assertNoLeaks() {
        await(() -> manager.liveCalls() == 0 && manager.liveLegs() == 0);
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static Binding binding(Aor aor, String contact) {
        return binding(aor, contact, "fake");
    }

    private static Binding binding(Aor aor, String contact, String adapter) {
        Instant now = Instant.now();
        return new Binding(aor, contact, null, 0, "reg", 1, adapter, "udp", new InetSocketAddress("127.0.0.1", 5071), null,
                List.of(), "", -1, now, now.plusSeconds(3600));
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

    private static final class Users implements Directory {
        private final List<Aor> users;

        Users(Aor... users) {
            this.users = List.of(users);
        }

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
            return users.contains(aor) ? Optional.of(new User(aor, "", Instant.now())) : Optional.empty();
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
            return users.size();
        }
    }
}
