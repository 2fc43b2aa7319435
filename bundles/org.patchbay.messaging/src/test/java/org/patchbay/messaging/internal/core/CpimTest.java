package org.patchbay.messaging.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.patchbay.api.messaging.MessageStatus;

class CpimTest {

    private static Cpim parse(String text) {
        return Cpim.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheImdnHeadersUnderTheDeclaredPrefix() {
        Cpim c = parse("From: <sip:a@x>\nNS: rcpt <urn:ietf:params:imdn>\nrcpt.Message-ID: abc\n"
                + "rcpt.Disposition-Notification: Display\n\nContent-Type: text/plain; charset=utf-8\n\nhi");
        assertEquals("abc", c.imdnId());
        assertEquals(List.of("display"), c.dispositions());
        assertEquals("text/plain", c.contentType());
        assertTrue(c.notification().isEmpty());
    }

    @Test
    void recognisesDeliveryAndDisplayNotifications() {
        String head = "NS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: n1\r\n\r\nContent-Type: message/imdn+xml\r\n\r\n";
        Cpim delivered = parse(head + "<imdn><message-id>m-7</message-id><delivery-notification><status><delivered/>"
                + "</status></delivery-notification></imdn>");
        assertEquals(new Cpim.Notification("m-7", MessageStatus.DELIVERED), delivered.notification().orElseThrow());
        Cpim displayed = parse(head + "<i:imdn xmlns:i=\"urn:ietf:params:xml:ns:imdn\"><i:message-id> m-8 </i:message-id>"
                + "<i:display-notification><i:status><i:displayed/></i:status></i:display-notification></i:imdn>");
        assertEquals(new Cpim.Notification("m-8", MessageStatus.DISPLAYED), displayed.notification().orElseThrow());
        Cpim failed = parse(head + "<imdn><message-id>m-9</message-id><delivery-notification><status><failed/>"
                + "</status></delivery-notification></imdn>");
        assertTrue(failed.notification().isEmpty(), "failure reports are relayed but change nothing");
    }

    @Test
    void garbageIsNotCpimAndDoesNotThrow() {
        for (String s : List.of("", "plain text", "\n\n\n", "a:b\n\n", "NS: imdn\n\nContent-Type:\n\n<message-id></message-id>")) {
            Cpim c = parse(s);
            assertNull(c.imdnId(), s);
            assertTrue(c.notification().isEmpty(), s);
        }
        assertEquals("message/cpim", Cpim.baseType(" Message/CPIM ; x=y"));
    }
}
