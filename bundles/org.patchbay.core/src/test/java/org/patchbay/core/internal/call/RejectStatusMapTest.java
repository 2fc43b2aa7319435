package org.patchbay.core.internal.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RejectStatusMapTest {

    @Test
    void mapsStatusAndPhraseIgnoringCaseAndSpaces() {
        RejectStatusMap map = RejectStatusMap.parse(new String[] {"480 4001=486", " 603  Decline Now = 486 "});
        assertEquals(486, map.map(480, "4001"));
        assertEquals(486, map.map(480, " 4001 "));
        assertEquals(486, map.map(603, "decline now"));
        assertEquals(480, map.map(480, "Temporarily Unavailable"), "another phrase with the same status");
        assertEquals(404, map.map(404, "4001"), "the same phrase with another status");
        assertEquals(480, map.map(480, null));
    }

    /** slf4j-simple writes to whatever System.err is at the time, so swapping it captures every log line. */
    @Test
    void badEntriesAreSkippedWithOneWarnLineEach() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        RejectStatusMap map;
        try {
            map = RejectStatusMap.parse(new String[] {"bad entry", "480=486", "999 x=486", "480 4001=abc", null, " ",
                "480 4001=486"});
        } finally {
            System.setErr(original);
        }
        assertEquals(486, map.map(480, "4001"), "the good entry after the bad ones still applies");
        String log = captured.toString(StandardCharsets.UTF_8);
        for (String bad : new String[] {"bad entry", "480=486", "999 x=486", "480 4001=abc"}) {
            assertTrue(log.contains("WARN") && log.contains("calls: reject.status.map entry '" + bad
                    + "' ignored: expected 'code phrase=newcode', e.g. '480 4001=486'"), log);
        }
        assertEquals(4, log.lines().filter(l -> l.contains("reject.status.map entry")).count(),
                "null and blank entries are not worth a line:\n" + log);
        assertFalse(log.contains("Exception"), log);
    }

    @Test
    void noEntriesMapNothing() {
        assertEquals(480, RejectStatusMap.parse(null).map(480, "4001"));
        assertEquals(480, RejectStatusMap.parse(new String[0]).map(480, "4001"));
    }
}
