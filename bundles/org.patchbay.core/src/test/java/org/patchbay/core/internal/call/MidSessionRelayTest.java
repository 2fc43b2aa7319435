package org.patchbay.core.internal.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.patchbay.api.call.LegSignal;
import org.patchbay.api.call.Party;
import org.patchbay.api.media.MediaHook;

/** The relay on its own: legs without a call, so every signal arrives at once on the test's thread. */
class MidSessionRelayTest {
    private final FakeLeg alice = new FakeLeg(new Party(null, "sip:alice@example.com", "Alice"), null);
    private final FakeLeg bob = new FakeLeg(new Party(null, "sip:bob@example.com", "Bob"), null);
    private final CallLeg a = leg(alice, "c.1", CallLeg.Role.CALLER);
    private final CallLeg b = leg(bob, "c.2", CallLeg.Role.CALLEE);
    private final MidSessionRelay relay = new MidSessionRelay(new CallMedia("c", () -> new PassThroughHook() {
        @Override
        public String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp) {
            return kind + " " + fromLeg + ">" + toLeg + " " + sdp;
        }
    }));

    @Test
    void requestsBeforeTheAnswerAreRefused() {
        relay.relay(a, null, new LegSignal.Modify("a1", LegSignal.Modify.Kind.REINVITE, "hold"));
        assertEquals(new LegSignal.ModifyResult("a1", 491, "Request Pending", null), alice.next(LegSignal.ModifyResult.class));
        relay.relay(a, null, new LegSignal.Info("a2", "text/plain", new byte[0]));
        LegSignal.InfoResult r = alice.next(LegSignal.InfoResult.class);
        assertEquals("a2", r.txn());
        assertEquals(481, r.code());
        relay.relay(a, null, new LegSignal.ModifyResult("x", 200, "OK", null));
        alice.quiet();
    }

    @Test
    void modifyGoesOnUnderTheCallsTxnAndItsResultComesBackUnderTheSenders() {
        relay.relay(a, b, new LegSignal.Modify("a1", LegSignal.Modify.Kind.UPDATE, "hold"));
        LegSignal.Modify toBob = bob.next(LegSignal.Modify.class);
        assertEquals("m1", toBob.txn());
        assertEquals(LegSignal.Modify.Kind.UPDATE, toBob.kind());
        assertEquals("OFFER c.1>c.2 hold", toBob.sdp());
        relay.relay(b, a, new LegSignal.Modify("b1", LegSignal.Modify.Kind.REINVITE, "x"));
        assertEquals(491, bob.next(LegSignal.ModifyResult.class).code(), "glare");
        relay.relay(a, b, new LegSignal.ModifyResult("m1", 200, "OK", "held"));
        relay.relay(b, a, new LegSignal.ModifyResult("m9", 200, "OK", "held"));
        alice.quiet(); // the sender's own result, an unknown txn: dropped
        relay.relay(b, a, new LegSignal.ModifyResult("m1", 200, "OK", "held"));
        assertEquals(new LegSignal.ModifyResult("a1", 200, "OK", "ANSWER c.2>c.1 held"),
                alice.next(LegSignal.ModifyResult.class));
        relay.relay(b, a, new LegSignal.Modify("b2", LegSignal.Modify.Kind.REINVITE, "resume"));
        assertEquals("m2", alice.next(LegSignal.Modify.class).txn(), "the next Modify once the first was answered");
    }

    @Test
    void infoIsRelayedAndAnsweredBackTheNodesOwnInfoTakesTheNextTxn() {
        byte[] body = "Signal=5".getBytes(StandardCharsets.US_ASCII);
        relay.relay(a, b, new LegSignal.Info("a7", "application/dtmf-relay", body));
        LegSignal.Info toBob = bob.next(LegSignal.Info.class);
        assertEquals("i1", toBob.txn());
        assertEquals("Signal=5", new String(toBob.body(), StandardCharsets.US_ASCII));
        relay.relay(b, a, new LegSignal.InfoResult("i1", 200, "OK"));
        assertEquals(new LegSignal.InfoResult("a7", 200, "OK"), alice.next(LegSignal.InfoResult.class));
        relay.relay(b, a, new LegSignal.InfoResult("i1", 200, "OK"));
        alice.quiet(); // answered once only
        relay.nodeInfo(b, "application/dtmf-relay", body);
        assertEquals("n2", bob.next(LegSignal.Info.class).txn());
    }

    @Test
    void dtmfTheMediaEngineSendsIsAnsweredHere() {
        MediaHook engine = new PassThroughHook() {
            @Override
            public boolean dtmf(String callId, String fromLeg, String toLeg, char digit, int durationMillis) {
                return callId.equals("c") && fromLeg.equals("c.1") && toLeg.equals("c.2") && digit == '5';
            }
        };
        MidSessionRelay withEngine = new MidSessionRelay(new CallMedia("c", () -> engine));
        withEngine.relay(a, b, new LegSignal.Info("a1", "application/dtmf-relay",
                "Signal=5\r\nDuration=160\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(new LegSignal.InfoResult("a1", 200, "OK"), alice.next(LegSignal.InfoResult.class));
        bob.quiet();
        withEngine.relay(a, b, new LegSignal.Info("a2", "application/dtmf-relay",
                "Signal=7".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(bob.next(LegSignal.Info.class).txn().startsWith("i"), "a digit the engine declined is relayed");
    }

    private static CallLeg leg(FakeLeg party, String id, CallLeg.Role role) {
        return new CallLeg(null, id, role, party, null, "fake", party.party());
    }
}
