package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real SIP phones (Debian baresip) register with digest auth through the node and call each other: alice plays a
 * 440 Hz tone, bob a 1000 Hz tone, each records what it receives; the recordings must hold the other side's tone.
 * Runs against the Patchbay distribution; {@code -De2e.sip.target=kamailio} runs the same test against the reference
 * Kamailio to check the harness (see {@link SipTarget}).
 */
@Timeout(60)
class BaresipIT {

    private static final String DOMAIN = "bench.local";
    private static final String PASSWORD = "bench-secret"; // the one password of bench/sip/kamailio.cfg
    private static final double ALICE_HZ = 440;
    private static final double BOB_HZ = 1000;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> started = new ArrayList<>();
    private SipTarget target;
    private Baresip alice;
    private Baresip bob;

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    @Test
    void twoPhonesRegisterCallAndHearEachOther() throws Exception {
        assumeTrue(Files.isExecutable(Baresip.BINARY), "baresip is not installed (apt-get install baresip)");
        target = SipTarget.fromSystemProperty("baresip", DOMAIN);
        started.add(target);
        String password = PASSWORD;
        target.addUser("alice", password);
        target.addUser("bob", password);

        Path aliceTone = tmp.resolve("alice-440.wav");
        Path bobTone = tmp.resolve("bob-1000.wav");
        Tones.writeSine(aliceTone, ALICE_HZ, 8000, 20);
        Tones.writeSine(bobTone, BOB_HZ, 8000, 20);
        alice = Baresip.start(tmp.resolve("alice"), "alice", password, DOMAIN, target.port(), aliceTone);
        started.add(alice);
        bob = Baresip.start(tmp.resolve("bob"), "bob", password, DOMAIN, target.port(), bobTone);
        started.add(bob);

        assertTrue(alice.waitRegistered(10_000) && alice.registered(), () -> "alice did not register\n" + diagnostics());
        assertTrue(bob.waitRegistered(10_000) && bob.registered(), () -> "bob did not register\n" + diagnostics());
        for (String user : List.of("alice", "bob")) {
            String regs = target.registrations(user);
            if (regs != null) {
                int port = user.equals("alice") ? alice.sipPort : bob.sipPort;
                assertTrue(regs.contains(user + "@" + DOMAIN) && regs.contains("127.0.0.1:" + port),
                        () -> "pb:regs " + user + " does not show its contact 127.0.0.1:" + port + ":\n" + regs);
            }
        }

        bob.connect();
        JsonObject dial = alice.command("dial", "sip:bob@" + DOMAIN);
        assertTrue(dial.get("ok").getAsBoolean(), () -> "dial refused: " + dial + "\n" + diagnostics());
        assertNotNull(alice.waitEvent("CALL_ESTABLISHED", 10_000), () -> "alice: call not established\n" + diagnostics());
        assertNotNull(bob.waitEvent("CALL_ESTABLISHED", 5_000), () -> "bob: call not established\n" + diagnostics());
        Thread.sleep(3_000); // audio flows both ways
        assertAnchored();

        JsonObject hangup = alice.command("hangup", null);
        assertTrue(hangup.get("ok").getAsBoolean(), () -> "hangup refused: " + hangup);
        assertNotNull(alice.waitEvent("CALL_CLOSED", 5_000), () -> "alice: call not closed\n" + diagnostics());
        assertNotNull(bob.waitEvent("CALL_CLOSED", 5_000), () -> "bob: BYE did not reach bob\n" + diagnostics());

        // stopping baresip closes the recordings (the WAV header gets its sizes)
        alice.close();
        bob.close();
        assertHears(bob, ALICE_HZ, BOB_HZ);
        assertHears(alice, BOB_HZ, ALICE_HZ);
    }

    /**
     * The node relayed the audio: {@code pb:calls -v} shows two media legs for the call, each with packets received
     * from its phone and sent to it, from node ports other than the phones' own.
     */
    private void assertAnchored() throws Exception {
        String calls = target.callsWithMedia();
        if (calls == null) {
            return; // Kamailio relays no media
        }
        System.out.println("pb:calls -v during the call:\n" + calls);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "media \\S+ 127\\.0\\.0\\.1:(\\d+) <-> 127\\.0\\.0\\.1:(\\d+) sendrecv latched; in (\\d+) pkt .*; out (\\d+) pkt")
                .matcher(calls);
        int legs = 0;
        while (m.find()) {
            legs++;
            int in = Integer.parseInt(m.group(3));
            int out = Integer.parseInt(m.group(4));
            assertTrue(in > 50 && out > 50, () -> "a leg without audio both ways:\n" + calls);
        }
        assertEquals(2, legs, () -> "expected two anchored legs in pb:calls -v:\n" + calls + "\n" + diagnostics());
    }

    /** At least 1.5 s of the recording is the expected tone, and the tone dominates nearly every block with sound. */
    private void assertHears(Baresip phone, double hz, double ownHz) throws Exception {
        Path rec = phone.recording();
        assertNotNull(rec, () -> phone.user + " recorded nothing\n" + diagnostics());
        Tones.Analysis a = Tones.analyse(Tones.read(rec), hz, ownHz);
        String what = phone.user + " hearing " + (int) hz + " Hz: " + a;
        System.out.println(what);
        assertTrue(a.dominated() >= 30, () -> what + "\n" + diagnostics());
        assertTrue(a.dominated() >= 0.9 * a.voiced(), () -> what + "\n" + diagnostics());
        assertTrue(a.otherShare() < 0.05, () -> what + " (its own tone came back)\n" + diagnostics());
        assertEquals(8000, Tones.read(rec).rate(), what);
    }

    private String diagnostics() {
        StringBuilder sb = new StringBuilder("target: ").append(target.describe());
        if (alice != null) {
            sb.append("\n--- alice events ").append(alice.events()).append("\n--- alice output\n").append(alice.output());
        }
        if (bob != null) {
            sb.append("\n--- bob events ").append(bob.events()).append("\n--- bob output\n").append(bob.output());
        }
        String d = target.diagnostics();
        sb.append("\n--- ").append(d.length() > 20_000 ? d.substring(d.length() - 20_000) : d);
        return sb.toString();
    }
}
