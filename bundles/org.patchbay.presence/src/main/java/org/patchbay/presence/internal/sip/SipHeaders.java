package org.patchbay.presence.internal.sip;

import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.Optional;

import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.EventHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;

import org.patchbay.api.identity.Aor;
import org.patchbay.sip.spi.SipNode;

/** Small helpers on requests: the target user, Event and Expires, and the Route back to a NATed party. */
final class SipHeaders {

    private SipHeaders() {
    }

    /** The user a PUBLISH or SUBSCRIBE is about (its Request-URI), or empty when it names no valid user. */
    static Optional<Aor> target(SipNode node, Request request) {
        if (!(request.getRequestURI() instanceof SipURI uri) || uri.getUser() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Aor(uri.getUser(), node.domainOf(uri)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The event package, lower case, or empty without an Event header. */
    static String event(Request request) {
        EventHeader e = (EventHeader) request.getHeader(EventHeader.NAME);
        return e == null || e.getEventType() == null ? "" : e.getEventType().toLowerCase(java.util.Locale.ROOT);
    }

    static String eventId(Request request) {
        EventHeader e = (EventHeader) request.getHeader(EventHeader.NAME);
        return e == null ? null : e.getEventId();
    }

    /** The Expires header's value, or {@code otherwise}. */
    static int expires(Request request, int otherwise) {
        ExpiresHeader e = request.getExpires();
        return e == null ? otherwise : e.getExpires();
    }

    /**
     * A loose Route towards where the party's packets came from when its Contact would not reach it (a device behind
     * NAT, or UDP from another port): what the sip bundle does for call legs, which is internal to it.
     */
    static RouteHeader routeToSource(SipNode node, URI contact, InetSocketAddress source, String transport)
            throws ParseException {
        if (source == null || source.getAddress() == null || !(contact instanceof SipURI c)) {
            return null;
        }
        String host = source.getAddress().getHostAddress();
        int cport = c.getPort() > 0 ? c.getPort() : ("tls".equals(transport) ? 5061 : 5060);
        boolean sameHost = host.equals(c.getHost());
        if (sameHost && (cport == source.getPort() || !"udp".equals(transport))) {
            return null;
        }
        SipURI r = node.addressFactory().createSipURI(null, host);
        r.setPort(source.getPort());
        if (!"udp".equals(transport)) {
            r.setTransportParam(transport);
        }
        r.setLrParam();
        return node.headerFactory().createRouteHeader(node.addressFactory().createAddress(r));
    }

    /** A Contact header with the node's own URI on {@code transport}. */
    static ContactHeader contact(SipNode node, String transport) throws ParseException {
        SipURI local = node.localUri(transport);
        return node.headerFactory().createContactHeader(node.addressFactory().createAddress(local));
    }
}
