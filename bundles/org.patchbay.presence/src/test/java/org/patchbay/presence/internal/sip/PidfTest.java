package org.patchbay.presence.internal.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.presence.PresenceState;

class PidfTest {
    private static final Aor ALICE = Aor.parse("alice@example.com");
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    private static PresenceState parse(String xml) {
        return Pidf.parse(xml.getBytes(StandardCharsets.UTF_8), ALICE, "sip", NOW, NOW.plusSeconds(60));
    }

    @Test
    void readsBasicActivitiesAndNote() {
        PresenceState s = parse("""
                <presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
                    xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:alice@example.com">
                  <tuple id="t"><status><basic>open</basic></status></tuple>
                  <dm:person id="p"><rpid:activities><rpid:away/></rpid:activities><dm:note>lunch &amp; coffee</dm:note></dm:person>
                </presence>""");
        assertEquals(PresenceState.Basic.OPEN, s.basic());
        assertEquals(List.of("away"), s.activities());
        assertEquals("away", s.status());
        assertEquals("lunch & coffee", s.note());
    }

    @Test
    void closedWithoutActivitiesIsUnavailable() {
        PresenceState s = parse("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='sip:a@b'><tuple id='t'>"
                + "<status><basic>closed</basic></status><note>gone</note></tuple></presence>");
        assertEquals("unavailable", s.status());
        assertEquals("gone", s.note());
    }

    @Test
    void refusesWhatIsNotPidf() {
        assertThrows(IllegalArgumentException.class, () -> parse("<html/>"));
        assertThrows(IllegalArgumentException.class, () -> parse("not xml"));
        assertThrows(IllegalArgumentException.class, () -> parse("<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
                + "<presence xmlns='urn:ietf:params:xml:ns:pidf'><tuple id='t'><note>&e;</note></tuple></presence>"));
    }

    @Test
    void aBasicOtherThanClosedCountsAsOpen() {
        assertEquals(PresenceState.Basic.OPEN, parse("<presence xmlns='urn:ietf:params:xml:ns:pidf'>"
                + "<tuple id='t'><status><basic>unknown</basic></status></tuple></presence>").basic());
    }

    @Test
    void writtenDocumentReadsBack() {
        PresenceState s = new PresenceState(ALICE, PresenceState.Basic.OPEN, "on-the-phone", List.of("on-the-phone"),
                "", "node", NOW, null);
        String xml = Pidf.write(s);
        assertTrue(xml.contains("<note>On the phone</note>"), xml);
        PresenceState back = parse(xml);
        assertEquals(List.of("on-the-phone"), back.activities());
        assertEquals("on-the-phone", back.status());
    }
}
