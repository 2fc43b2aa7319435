package org.patchbay.sip.internal.stack;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransaction;

import org.patchbay.api.identity.Aor;
import org.patchbay.sip.internal.auth.Authenticator;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One received request as handed to a SipRequestHandler. Not shared between threads by the stack. */
final class Exchange implements SipExchange {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    private final RequestEvent event;
    private final Request request;
    private final SipStackRuntime node;
    private final Supplier<Authenticator> authenticator;
    private final StackStats stats;
    private final String transport;
    private final InetSocketAddress source;
    private volatile ServerTransaction transaction;
    private volatile boolean retransmission;
    private volatile boolean stateless;
    private volatile boolean answered;
    private String toTag;

    Exchange(RequestEvent event, SipStackRuntime node, Supplier<Authenticator> authenticator, StackStats stats) {
        this.event = event;
        this.request = event.getRequest();
        this.node = node;
        this.authenticator = authenticator;
        this.stats = stats;
        this.transaction = event.getServerTransaction();
        this.transport = transportOf(request);
        this.source = sourceOf(request);
        alignViaTransport();
    }

    /**
     * A Via naming another transport than the one the request came over (RFC 4475 sends TCP Vias over UDP) would send the
     * response over that transport to a connection that does not exist. The response goes back the way the request came
     * (the stack already does this for TCP).
     */
    private void alignViaTransport() {
        alignChannelTransport();
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        if (via != null && !transport.equalsIgnoreCase(via.getTransport())) {
            try {
                via.setTransport(transport.toUpperCase(Locale.ROOT));
                if (!"udp".equals(transport) && source != null) {
                    // stateless responses follow the Via: point it at the connection (RFC 3261 18.2.2)
                    via.setReceived(source.getAddress().getHostAddress());
                    via.setRPort();
                    ((gov.nist.javax.sip.header.Via) via).setParameter("rport", Integer.toString(source.getPort()));
                }
            } catch (java.text.ParseException | javax.sip.InvalidArgumentException e) {
                // keep the Via as it came
            }
        }
    }

    /**
     * The RI's TCP/TLS channel takes its send protocol from the request's Via: a UDP Via on a TCP connection (RFC 4475
     * does that) made it answer with a datagram to the Via's host instead of on the connection. Field
     * {@code ConnectionOrientedMessageChannel.peerProtocol} is protected and has no setter.
     */
    private void alignChannelTransport() {
        if (PEER_PROTOCOL != null && request instanceof SIPRequest r
                && r.getMessageChannel() instanceof ConnectionOrientedMessageChannel ch) {
            try {
                Object current = PEER_PROTOCOL.get(ch);
                if (current == null || !transport.equalsIgnoreCase(current.toString())) {
                    PEER_PROTOCOL.set(ch, transport.toUpperCase(Locale.ROOT));
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // the response may go the Via's way; nothing else changes
            }
        }
    }

    private static final java.lang.reflect.Field PEER_PROTOCOL = peerProtocolField();

    private static java.lang.reflect.Field peerProtocolField() {
        try {
            java.lang.reflect.Field f = ConnectionOrientedMessageChannel.class.getDeclaredField("peerProtocol");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static String transportOf(Request request) {
        if (request instanceof SIPRequest r && r.getMessageChannel() instanceof MessageChannel ch
                && ch.getTransport() != null) {
            return ch.getTransport().toLowerCase(Locale.ROOT);
        }
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        return via == null || via.getTransport() == null ? "udp" : via.getTransport().toLowerCase(Locale.ROOT);
    }

    private static InetSocketAddress sourceOf(Request request) {
        if (request instanceof SIPRequest r) {
            InetAddress a = r.getPeerPacketSourceAddress();
            int port = r.getPeerPacketSourcePort();
            if (a == null) {
                a = r.getRemoteAddress();
                port = r.getRemotePort();
            }
            if (a != null) {
                return new InetSocketAddress(a, Math.max(port, 0));
            }
        }
        return InetSocketAddress.createUnresolved("0.0.0.0", 0);
    }

    @Override
    public RequestEvent event() {
        return event;
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public ServerTransaction transaction() {
        ServerTransaction st = transaction;
        if (st != null || retransmission || stateless || Request.ACK.equals(request.getMethod())) {
            return st;
        }
        synchronized (this) {
            if (transaction == null && !retransmission && !stateless) {
                try {
                    transaction = provider().getNewServerTransaction(request);
                } catch (TransactionAlreadyExistsException e) {
                    if (sameTransaction()) {
                        retransmission = true;
                    } else {
                        // jain-sip matches server transactions by branch alone; RFC 3261 17.2.3 also wants the
                        // method and the Via sent-by to match. Another client's request that reuses a branch (the
                        // RFC 4475 messages all do) is a new request: answered statelessly
                        LOG.debug("{} from {}: branch already used by another transaction", request.getMethod(),
                                source);
                        stateless = true;
                    }
                } catch (Exception e) {
                    // e.g. a SUBSCRIBE without Contact: still answered, statelessly
                    LOG.debug("{} from {}: no server transaction ({})", request.getMethod(), source, e.toString());
                    stateless = true;
                }
            }
            return transaction;
        }
    }

    /** The stack's transaction with this request's branch has the same method and Via sent-by (RFC 3261 17.2.3). */
    private boolean sameTransaction() {
        if (!(request instanceof SIPRequest r) || node.stack() == null) {
            return true;
        }
        SIPTransaction existing = node.stack().findTransaction(r, true);
        if (existing == null) {
            return true;
        }
        Request original = existing.getRequest();
        if (original == null || !original.getMethod().equals(request.getMethod())) {
            return false;
        }
        ViaHeader a = (ViaHeader) original.getHeader(ViaHeader.NAME);
        ViaHeader b = (ViaHeader) request.getHeader(ViaHeader.NAME);
        return a != null && b != null && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
    }

    /** True when the stack already has a transaction for this request: a retransmission that must be dropped. */
    boolean retransmission() {
        transaction();
        return retransmission;
    }

    boolean answered() {
        return answered;
    }

    SipProvider provider() {
        return (SipProvider) event.getSource();
    }

    @Override
    public SipNode node() {
        return node;
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public InetSocketAddress source() {
        return source;
    }

    @Override
    public String flow() {
        if (transport.equals("udp")) {
            return null;
        }
        // the same id the WebSocket server reports when the connection closes (WsChannel.flow)
        String host = source.getAddress() != null ? source.getAddress().getHostAddress() : source.getHostString();
        return transport + ":" + host + ":" + source.getPort();
    }

    @Override
    public Response createResponse(int code) {
        try {
            Response r = node.messageFactory().createResponse(code, request);
            ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
            if (code > 100 && to != null && to.getTag() == null) {
                to.setTag(toTag());
            }
            return r;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a " + code + " response: " + e.getMessage(), e);
        }
    }

    private synchronized String toTag() {
        if (toTag == null) {
            toTag = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        }
        return toTag;
    }

    @Override
    public void respond(Response response) {
        if (Request.ACK.equals(request.getMethod())) {
            return;
        }
        try {
            ServerTransaction st = transaction();
            if (st != null) {
                st.sendResponse(response);
            } else if (!retransmission) {
                provider().sendResponse(response);
            } else {
                return;
            }
            if (response.getStatusCode() >= 200) {
                answered = true;
            }
            stats.responses.increment();
        } catch (Exception e) {
            LOG.info("{} from {}: cannot send {} ({})", request.getMethod(), source, response.getStatusCode(),
                    e.toString());
        }
    }

    @Override
    public void respond(int code) {
        Response r;
        try {
            r = createResponse(code);
        } catch (RuntimeException e) {
            LOG.info("{} from {}: {}", request.getMethod(), source, e.getMessage());
            return;
        }
        respond(r);
    }

    @Override
    public Optional<Aor> authenticate(boolean proxy) {
        Authenticator a = authenticator.get();
        if (a == null) {
            LOG.warn("{} from {}: authentication required but no authenticator is running; answered 503",
                    request.getMethod(), source);
            respond(503);
            return Optional.empty();
        }
        return a.authenticate(this, proxy);
    }

    @Override
    public String toString() {
        return request.getMethod() + " from " + transport + ":" + source;
    }
}
