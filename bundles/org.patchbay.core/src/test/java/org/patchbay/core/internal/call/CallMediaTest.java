package org.patchbay.core.internal.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.patchbay.api.call.LegSignal;
import org.patchbay.api.call.Party;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.location.Binding;
import org.patchbay.api.media.MediaHook;
import org.patchbay.api.media.MediaStats;
import org.patchbay.api.media.MediaUnavailableException;

/** A call's media without a call: legs on their own, the hook swapped as the manager's reference would be. */
class CallMediaTest {
    private static final LegSignal.Info DIGIT_5 = new LegSignal.Info("t1", "application/dtmf-relay",
            "Signal=5\r\nDuration=160\r\n".getBytes(StandardCharsets.US_ASCII));

    private final AtomicReference<MediaHook> bound = new AtomicReference<>();
    private final CallMedia media = new CallMedia("c", bound::get);
    private final CallLeg caller = leg("c.1", null);
    private final CallLeg browser = leg("c.2", "wss");

    @Test
    void withoutAnEngineTheCallGoesOnWithoutMedia() {
        assertEquals("sdp", media.strictSdp(caller, browser, MediaHook.Kind.OFFER, "sdp"));
        assertNull(media.sdp(caller, browser, MediaHook.Kind.OFFER, null));
        assertFalse(media.dtmf(caller, browser, DIGIT_5));
        assertEquals(Map.of(), media.releaseCall());
        assertNull(media.releaseLeg("c.2"));
    }

    @Test
    void aFailingEngineIsPassedOverAndNoEndpointRefusesOnlyStrictly() {
        bound.set(new Failing(new IllegalStateException("engine broken")));
        assertEquals("sdp", media.strictSdp(caller, browser, MediaHook.Kind.OFFER, "sdp"));
        assertFalse(media.dtmf(caller, browser, DIGIT_5), "INFO relayed");
        assertEquals(Map.of(), media.releaseCall());
        assertNull(media.releaseLeg("c.2"));
        bound.set(new Failing(new MediaUnavailableException("no free RTP port pair")));
        assertThrows(MediaUnavailableException.class, () -> media.strictSdp(caller, browser, MediaHook.Kind.OFFER, "sdp"));
        assertEquals("sdp", media.sdp(caller, browser, MediaHook.Kind.OFFER, "sdp"), "passed unanchored");
    }

    @Test
    void theEngineGetsTheLegsAndTheReceiversProfile() {
        bound.set(new PassThroughHook() {
            @Override
            public String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp, Profile profile) {
                return String.join(" ", callId, fromLeg, toLeg, kind.name(), profile.name(), sdp);
            }

            @Override
            public boolean dtmf(String callId, String fromLeg, String toLeg, char digit, int durationMillis) {
                return fromLeg.equals("c.1") && toLeg.equals("c.2") && digit == '5' && durationMillis == 160;
            }

            @Override
            public List<MediaStats> releaseCall(String callId) {
                return List.of(new MediaStats(callId + ".1", "127.0.0.1:20000", "127.0.0.1:4000", true, "sendrecv", 7,
                        700, 8, 800, 1, 2.5, 0, 0, 10.0, 0, "PCMU/8000", false));
            }
        });
        assertEquals("c c.1 c.2 OFFER WEBRTC sdp", media.sdp(caller, browser, MediaHook.Kind.OFFER, "sdp"));
        assertEquals("c c.2 c.1 ANSWER UNKNOWN sdp", media.sdp(browser, caller, MediaHook.Kind.ANSWER, "sdp"));
        assertTrue(media.dtmf(caller, browser, DIGIT_5));
        assertEquals(7, media.releaseCall().get("c.1").packetsIn());
        bound.set(null);
        assertFalse(media.dtmf(caller, browser, DIGIT_5), "the engine left");
    }

    private static CallLeg leg(String id, String transport) {
        Party party = new Party(null, "sip:" + id + "@example.com", id);
        Binding target = null;
        if (transport != null) {
            Instant now = Instant.now();
            target = new Binding(Aor.parse("bob@example.com"), "sip:bob@x.invalid;transport=ws", null, 0, "reg", 1, "fake",
                    transport, new InetSocketAddress("127.0.0.1", 5072), "flow-1", List.of(), "", -1, now,
                    now.plusSeconds(3600));
        }
        return new CallLeg(null, id, transport == null ? CallLeg.Role.CALLER : CallLeg.Role.CALLEE, null, target, "fake",
                party);
    }

    /** An engine every method of which throws. */
    private record Failing(RuntimeException failure) implements MediaHook {
        @Override
        public String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp) {
            throw failure;
        }

        @Override
        public boolean dtmf(String callId, String fromLeg, String toLeg, char digit, int durationMillis) {
            throw failure;
        }

        @Override
        public void release(String callId) {
            throw failure;
        }

        @Override
        public List<MediaStats> releaseCall(String callId) {
            throw failure;
        }

        @Override
        public MediaStats releaseLeg(String callId, String legId) {
            throw failure;
        }
    }
}
