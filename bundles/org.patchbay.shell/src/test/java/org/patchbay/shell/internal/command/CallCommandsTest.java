package org.patchbay.shell.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patchbay.api.call.CallInfo;
import org.patchbay.api.call.CallRecord;
import org.patchbay.api.call.CallRecords;
import org.patchbay.api.call.CallService;
import org.patchbay.api.call.Leg;
import org.patchbay.api.call.LegControl;
import org.patchbay.api.call.Party;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.media.MediaService;
import org.patchbay.api.media.MediaStats;
import org.patchbay.shell.internal.Gogo;

/** pb:calls, pb:hangup and pb:cdr as an operator types them, through a real Gogo runtime. */
class CallCommandsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private final List<CallInfo> live = new ArrayList<>();
    private final List<CallRecord> records = new ArrayList<>();
    private final List<String> hungUp = new ArrayList<>();
    private final CallCommands commands = new CallCommands(Clock.fixed(NOW, ZoneOffset.UTC));
    private final Calls calls = new Calls();
    private Gogo gogo;

    @BeforeEach
    void setUp() {
        commands.bindCalls(calls);
        commands.bindRecords(calls);
        gogo = new Gogo().register("pb", commands, "calls", "hangup", "cdr", "dtmf");
    }

    @AfterEach
    void tearDown() {
        gogo.close();
    }

    @Test
    void listsLiveCallsWithCounts() throws Exception {
        assertEquals("no live calls\n0 live calls, 0 live legs", gogo.run("pb:calls"));
        live.add(new CallInfo("k3f9a-1", Party.of(Aor.parse("alice@example.com")), Party.of(Aor.parse("bob@example.com")),
                "answered", NOW.minusSeconds(75), NOW.minusSeconds(70), List.of(
                    new CallInfo.LegInfo("k3f9a-1.1", "sip", Party.of(Aor.parse("alice@example.com")), "answered",
                            Map.of("remote", "127.0.0.1:5070")),
                    new CallInfo.LegInfo("k3f9a-1.2", "sip", Party.of(Aor.parse("bob@example.com")), "answered",
                            Map.of()))));
        String[] lines = gogo.run("pb:calls").split("\n");
        assertTrue(lines[0].matches("ID +CALLER +CALLEE +STATE +AGE +LEGS"), lines[0]);
        assertTrue(lines[1].matches("k3f9a-1 +alice@example.com +bob@example.com +answered +1 min 15 s +"
                + "sip:answered@127.0.0.1:5070, sip:answered"), lines[1]);
        assertEquals("1 live call, 2 live legs", lines[2]);
    }

    @Test
    void verboseListingShowsEachLegsMedia() throws Exception {
        live.add(new CallInfo("c1", Party.of(Aor.parse("a@x.org")), Party.of(Aor.parse("b@x.org")), "answered", NOW,
                NOW, List.of()));
        live.add(new CallInfo("c2", Party.of(Aor.parse("a@x.org")), Party.of(Aor.parse("c@x.org")), "ringing", NOW,
                null, List.of()));
        String[] bare = gogo.run("pb:calls -v").split("\n");
        assertEquals("  media: not anchored", bare[2], "no media engine: said so");
        commands.bindMedia(new MediaService() {
            @Override
            public List<MediaStats> stats(String callId) {
                return callId.equals("c1") ? List.of(new MediaStats("c1.1", "127.0.0.1:20000", "127.0.0.1:4000", true,
                        "sendrecv", 250, 43000, 248, 42656, 2, 0.44, 1, 0.25, 1.5, 0)) : List.of();
            }

            @Override
            public int calls() {
                return 1;
            }

            @Override
            public int endpoints() {
                return 1;
            }
        });
        String[] lines = gogo.run("pb:calls -v").split("\n");
        assertTrue(lines[1].startsWith("c1 "), lines[1]);
        assertEquals("  media c1.1 127.0.0.1:20000 <-> 127.0.0.1:4000 sendrecv latched; in 250 pkt 43000 B lost 2 "
                + "jitter 0.4 ms; out 248 pkt 42656 B; rtcp lost 1 jitter 0.3 ms rtt 1.5 ms; dropped 0", lines[2]);
        assertTrue(lines[3].startsWith("c2 "), lines[3]);
        assertEquals("  media: not anchored", lines[4]);
        assertEquals("2 live calls, 0 live legs", lines[5]);
        assertEquals(4, gogo.run("pb:calls").split("\n").length, "without -v: the table only");
    }

    @Test
    void hangupEndsALiveCallAndRefusesAnUnknownOne() throws Exception {
        live.add(new CallInfo("c1", Party.of(Aor.parse("a@x.org")), Party.of(Aor.parse("b@x.org")), "ringing", NOW,
                null, List.of()));
        assertEquals("hanging up call c1", gogo.run("pb:hangup c1"));
        assertEquals(List.of("c1"), hungUp);
        Exception e = assertThrows(Exception.class, () -> gogo.run("pb:hangup nope"));
        assertEquals("pb:hangup: no live call 'nope' (see pb:calls)", e.toString());
    }

    @Test
    void cdrShowsRecentRecordsNewestFirst() throws Exception {
        assertEquals("no call records", gogo.run("pb:cdr"));
        for (int i = 0; i < 25; i++) {
            Instant start = NOW.plusSeconds(i * 60L);
            records.add(0, new CallRecord("c" + i, "alice@example.com", "bob@example.com",
                    List.of(new CallRecord.LegRecord("c" + i + ".1", "sip", "alice@example.com", "caller", "hung up")),
                    start, i % 2 == 0 ? start.plusSeconds(2) : null, start.plusSeconds(12), i % 2 == 0 ? "normal" : "busy",
                    i % 2 == 0 ? "caller" : "callee", i % 2 == 0 ? 200 : 486));
        }
        String[] lines = gogo.run("pb:cdr").split("\n");
        assertEquals(22, lines.length);
        assertTrue(lines[0].matches("ID +STARTED \\(UTC\\) +CALLER +CALLEE +DURATION +CODE +REASON +ENDED BY +LEGS"), lines[0]);
        assertTrue(lines[1].matches("c24 +2026-01-01 12:24:00 +alice@example.com +bob@example.com +10.000 s +200 +normal +caller +1"),
                lines[1]);
        assertTrue(lines[2].matches("c23 .* +- +486 +busy +callee +1"), lines[2]);
        assertEquals("20 of 25 records", lines[21]);
        assertEquals("2 of 25 records", gogo.run("pb:cdr 2").split("\n")[3]);
        Exception e = assertThrows(Exception.class, () -> gogo.run("pb:cdr 0"));
        assertEquals("pb:cdr: count must be 1..10000, got 0", e.toString());
    }

    @Test
    void verboseCdrShowsEachLegsFinalMedia() throws Exception {
        records.add(new CallRecord("c1", "alice@example.com", "bob@example.com", List.of(
                new CallRecord.LegRecord("c1.1", "sip", "alice@example.com", "caller", "hung up",
                        new CallRecord.LegMedia("PCMU/8000", 250, 43000, 248, 42656, 2, 0.44, 1.5, false)),
                new CallRecord.LegRecord("c1.2", "sip", "bob@example.com", "callee", "busy"),
                new CallRecord.LegRecord("c1.3", "sip", "bob@example.com", "callee", "answered",
                        new CallRecord.LegMedia("", 248, 42656, 250, 43000, 0, 0, -1, true))),
                NOW, NOW.plusSeconds(1), NOW.plusSeconds(6), "normal", "caller", 200));
        String[] lines = gogo.run("pb:cdr -v").split("\n");
        assertTrue(lines[1].startsWith("c1 "), lines[1]);
        assertEquals("  leg c1.1 caller sip (hung up): PCMU/8000; in 250 pkt 43000 B lost 2 jitter 0.4 ms; "
                + "out 248 pkt 42656 B; rtt 1.5 ms", lines[2]);
        assertEquals("  leg c1.2 callee sip (busy): no media", lines[3]);
        assertEquals("  leg c1.3 callee sip (answered): codec ? srtp; in 248 pkt 42656 B lost 0 jitter 0.0 ms; "
                + "out 250 pkt 43000 B; rtt -", lines[4]);
        assertEquals("1 of 1 record", lines[5]);
        assertEquals(3, gogo.run("pb:cdr").split("\n").length, "without -v: the table only");
        assertEquals(6, gogo.run("pb:cdr -v 1").split("\n").length, "-v with a count");
    }

    @Test
    void dtmfGoesToTheNamedLegThroughTheMediaEngineAndRefusalsAreOneLine() throws Exception {
        live.add(new CallInfo("c1", Party.of(Aor.parse("a@x.org")), Party.of(Aor.parse("b@x.org")), "answered", NOW,
                NOW, List.of(new CallInfo.LegInfo("c1.1", "sip", Party.of(Aor.parse("a@x.org")), "answered", Map.of()),
                        new CallInfo.LegInfo("c1.2", "sip", Party.of(Aor.parse("b@x.org")), "ended", Map.of()),
                        new CallInfo.LegInfo("c1.3", "sip", Party.of(Aor.parse("b@x.org")), "answered", Map.of()))));
        Exception none = assertThrows(Exception.class, () -> gogo.run("pb:dtmf c1 callee 1"));
        assertEquals("pb:dtmf: media engine unavailable (bundle org.patchbay.media not active)", none.toString());
        List<String> sent = new ArrayList<>();
        commands.bindMedia(new MediaService() {
            @Override
            public List<MediaStats> stats(String callId) {
                return List.of();
            }

            @Override
            public int calls() {
                return 1;
            }

            @Override
            public int endpoints() {
                return 3;
            }

            @Override
            public boolean sendDtmf(String callId, String legId, String digits, int durationMillis) {
                if (digits.contains("x")) {
                    throw new IllegalArgumentException("digits: 'x' is not one of 0-9 * # A-D");
                }
                if (legId.equals("c1.2")) {
                    return false;
                }
                sent.add(callId + " " + legId + " " + digits + " " + durationMillis);
                return true;
            }
        });
        assertEquals("sending DTMF 12# to leg c1.3 of call c1", gogo.run("pb:dtmf c1 callee 12#"));
        assertEquals("sending DTMF 5 to leg c1.1 of call c1", gogo.run("pb:dtmf c1 caller 5 250"));
        assertEquals("sending DTMF 9 to leg c1.3 of call c1", gogo.run("pb:dtmf c1 c1.3 9"));
        assertEquals(List.of("c1 c1.3 12# 100", "c1 c1.1 5 250", "c1 c1.3 9 100"), sent);
        assertEquals("pb:dtmf: digits: 'x' is not one of 0-9 * # A-D",
                assertThrows(Exception.class, () -> gogo.run("pb:dtmf c1 caller 1x")).toString());
        assertEquals("pb:dtmf: the media engine anchors no leg c1.2 of call c1",
                assertThrows(Exception.class, () -> gogo.run("pb:dtmf c1 c1.2 1")).toString());
        assertEquals("pb:dtmf: no live call 'c9' (see pb:calls)",
                assertThrows(Exception.class, () -> gogo.run("pb:dtmf c9 caller 1")).toString());
        assertTrue(assertThrows(Exception.class, () -> gogo.run("pb:dtmf c1 c1.7 1")).toString()
                .startsWith("pb:dtmf: call c1 has no leg 'c1.7'"));
    }

    @Test
    void saysWhatIsMissingWithoutTheCore() {
        commands.unbindCalls(calls);
        commands.unbindRecords(calls);
        for (String cmd : List.of("pb:calls", "pb:hangup x", "pb:cdr")) {
            Exception e = assertThrows(Exception.class, () -> gogo.run(cmd));
            assertEquals(cmd.split(" ")[0] + ": " + CallCommands.UNAVAILABLE, e.toString());
        }
    }

    private final class Calls implements CallService, CallRecords {
        @Override
        public LegControl place(Leg caller, Aor destination, String offer, int hops) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<CallInfo> calls() {
            return List.copyOf(live);
        }

        @Override
        public Optional<CallInfo> call(String id) {
            return live.stream().filter(c -> c.id().equals(id)).findFirst();
        }

        @Override
        public boolean hangup(String id, String reason) {
            if (call(id).isEmpty()) {
                return false;
            }
            hungUp.add(id);
            return true;
        }

        @Override
        public int liveCalls() {
            return live.size();
        }

        @Override
        public int liveLegs() {
            return live.stream().mapToInt(c -> c.legs().size()).sum();
        }

        @Override
        public List<CallRecord> recent(int limit) {
            return records.subList(0, Math.min(limit, records.size()));
        }

        @Override
        public Optional<CallRecord> find(String id) {
            return Optional.empty();
        }

        @Override
        public long count() {
            return records.size();
        }
    }
}
