package org.patchbay.sip.internal.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.util.Map;

import javax.sip.address.URI;
import javax.sip.header.RouteHeader;

import org.junit.jupiter.api.Test;
import org.patchbay.sip.internal.stack.HandlerRegistry;
import org.patchbay.sip.internal.stack.SipSettings;
import org.patchbay.sip.internal.stack.SipStackRuntime;

class SipMessagesTest {
    private final SipStackRuntime node;

    SipMessagesTest() throws Exception {
        node = new SipStackRuntime(SipSettings.parse(Map.of("host", "127.0.0.1", "tls.enabled", "false", "ws.enabled", "false", "wss.enabled", "false")), null,
                new HandlerRegistry(), () -> null);
    }

    private String route(String contact, String sourceHost, int sourcePort, String transport) throws Exception {
        URI uri = node.addressFactory().createURI(contact);
        RouteHeader r = SipMessages.routeToSource(node, uri, new InetSocketAddress(sourceHost, sourcePort), transport);
        return r == null ? null : r.getAddress().getURI().toString();
    }

    @Test
    void reachableContactsNeedNoRoute() throws Exception {
        assertNull(route("sip:bob@127.0.0.1:5070", "127.0.0.1", 5070, "udp"));
        assertNull(route("sip:bob@127.0.0.1", "127.0.0.1", 5060, "udp"));
        // TCP: the source port is ephemeral, the contact on the same host listens itself
        assertNull(route("sip:bob@127.0.0.1:5070;transport=tcp", "127.0.0.1", 40312, "tcp"));
    }

    @Test
    void natedContactsAreReachedAtTheirSource() throws Exception {
        assertEquals("sip:203.0.113.7:40001;lr", route("sip:bob@10.0.0.5:5060", "203.0.113.7", 40001, "udp"));
        assertEquals("sip:127.0.0.1:40001;lr", route("sip:bob@127.0.0.1:5060", "127.0.0.1", 40001, "udp"));
        assertEquals("sip:203.0.113.7:51000;transport=tcp;lr",
                route("sip:bob@192.168.1.9:5060;transport=tcp", "203.0.113.7", 51000, "tcp"));
    }
}
