package org.patchbay.sip.internal.stack;

import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

import org.patchbay.api.location.Binding;
import org.patchbay.sip.spi.SipNode;

/**
 * How a request reaches one binding of a user: the transport, the Route (the binding's Path, or its source address
 * behind NAT), and a ready out-of-dialog request. Shared by the call legs and by every bundle that sends to users
 * (messaging, presence) through {@link SipNode}.
 */
public final class BindingRoutes {
    private static final Pattern TRANSPORT = Pattern.compile("(?i);transport=([a-z]+)");

    private BindingRoutes() {
    }

    /**
     * The transport towards a binding: a WebSocket binding is reached over its connection only (ws or wss as it
     * registered, whatever its Contact says: JsSIP writes {@code transport=ws} over wss); otherwise the Contact's
     * {@code transport} parameter when it has one (RFC 3263: what the device asked for), else the one its REGISTER came
     * over.
     */
    public static String transportTo(Binding target) {
        String registered = target.transport() == null ? "" : target.transport().toLowerCase(Locale.ROOT);
        if (isWebSocket(registered)) {
            return registered;
        }
        Matcher m = TRANSPORT.matcher(target.contact());
        String t = m.find() ? m.group(1) : target.transport();
        t = t == null ? "udp" : t.toLowerCase(Locale.ROOT);
        return switch (t) {
            case "tcp", "tls" -> t;
            default -> "udp";
        };
    }

    /** The Route headers that reach the binding: its Path in order, else one towards its source when needed. */
    public static List<RouteHeader> routesTo(SipNode node, Binding target) throws ParseException {
        List<RouteHeader> routes = new ArrayList<>();
        HeaderFactory h = node.headerFactory();
        for (String path : target.path()) {
            routes.add((RouteHeader) h.createHeader(RouteHeader.NAME, path));
        }
        if (routes.isEmpty()) {
            RouteHeader r = routeToSource(node, node.addressFactory().createURI(target.contact()), target.source(),
                    transportTo(target));
            if (r != null) {
                routes.add(r);
            }
        }
        return routes;
    }

    /**
     * A loose Route towards where the party's packets came from, when its Contact would not reach it: a Contact naming
     * another host (a device behind NAT; over TCP/TLS the route then reuses the registering connection), or over UDP
     * another port of the same host (NAT port rewriting, rport). Null when the Contact is reachable as it stands.
     */
    public static RouteHeader routeToSource(SipNode node, URI contact, InetSocketAddress source, String transport)
            throws ParseException {
        if (source == null || source.getAddress() == null || !(contact instanceof SipURI c)) {
            return null;
        }
        String host = source.getAddress().getHostAddress();
        if (isWebSocket(transport)) {
            // RFC 7118 §5: a WebSocket client is only ever reached over its connection (the stack finds the connection
            // by this address, or the one that replaced it after a reconnect)
            return route(node, host, source.getPort(), transport);
        }
        int cport = c.getPort() > 0 ? c.getPort() : ("tls".equals(transport) ? 5061 : 5060);
        boolean sameHost = host.equals(c.getHost());
        if (sameHost && (cport == source.getPort() || !"udp".equals(transport))) {
            // over TCP/TLS the source port is the client's ephemeral one: a Contact on the same host is reachable
            // itself, and the registering connection may be long gone
            return null;
        }
        return route(node, host, source.getPort(), transport);
    }

    private static RouteHeader route(SipNode node, String host, int port, String transport) throws ParseException {
        SipURI r = node.addressFactory().createSipURI(null, host);
        r.setPort(port);
        if (!"udp".equals(transport)) {
            r.setTransportParam(transport);
        }
        r.setLrParam();
        return node.headerFactory().createRouteHeader(node.addressFactory().createAddress(r));
    }

    /** ws or wss (RFC 7118). */
    public static boolean isWebSocket(String transport) {
        return "ws".equalsIgnoreCase(transport) || "wss".equalsIgnoreCase(transport);
    }

    /** See {@link SipNode#newRequest}. */
    public static Request newRequest(SipNode node, Binding target, String method, Address from, Address to,
            String branch) throws ParseException {
        String transport = transportTo(target);
        HeaderFactory h = node.headerFactory();
        URI requestUri = node.addressFactory().createURI(target.contact());
        SipURI local = node.localUri(transport);
        String callIdValue = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + "@" + local.getHost();
        try {
            CallIdHeader callId = h.createCallIdHeader(callIdValue);
            FromHeader fromHeader = h.createFromHeader(from,
                    Long.toHexString(ThreadLocalRandom.current().nextLong()));
            ToHeader toHeader = h.createToHeader(to, null);
            ViaHeader via = h.createViaHeader(local.getHost(), local.getPort(), transport,
                    branch != null ? branch
                            : "z9hG4bK" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
            CSeqHeader cseq = h.createCSeqHeader(1L, method);
            Request req = node.messageFactory().createRequest(requestUri, method, callId, cseq, fromHeader, toHeader,
                    new ArrayList<>(List.of(via)), h.createMaxForwardsHeader(70));
            req.addHeader(h.createContactHeader(node.addressFactory().createAddress(local)));
            for (RouteHeader r : routesTo(node, target)) {
                req.addHeader(r);
            }
            return req;
        } catch (InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
    }
}
