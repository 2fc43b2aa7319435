package org.patchbay.presence.internal.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.patchbay.api.identity.Aor;

class DialogTrackerTest {
    private static final Aor ALICE = Aor.parse("alice@x.example");
    private static final Aor BOB = Aor.parse("bob@x.example");

    @Test
    void callStatesPerParty() {
        DialogTracker t = new DialogTracker();
        assertEquals(List.of(ALICE), t.update("c1", "alice@x.example", "bob@x.example", "trying"));
        assertEquals(List.of(ALICE, BOB), t.update("c1", "alice@x.example", "bob@x.example", "early"));
        assertEquals("recipient", t.dialogs(BOB).get(0).direction());
        assertEquals("initiator", t.dialogs(ALICE).get(0).direction());
        t.update("c1", "alice@x.example", "bob@x.example", "confirmed");
        // a late "early" never takes a dialog back
        assertEquals(List.of(), t.update("c1", "alice@x.example", "bob@x.example", "early"));
        t.update("c1", "alice@x.example", "bob@x.example", "terminated");
        String doc = DialogTracker.dialogInfo(BOB, 3, t.dialogs(BOB));
        assertTrue(doc.contains("version=\"3\"") && doc.contains("<state>terminated</state>")
                && doc.contains("<identity>sip:alice@x.example</identity>"), doc);
        t.dropTerminated(BOB);
        assertEquals(List.of(), t.dialogs(BOB));
    }

    @Test
    void outsidePartiesAreIgnored() {
        DialogTracker t = new DialogTracker();
        assertEquals(List.of(BOB), t.update("c2", "tel:+15551234", "bob@x.example", "early"));
    }
}
