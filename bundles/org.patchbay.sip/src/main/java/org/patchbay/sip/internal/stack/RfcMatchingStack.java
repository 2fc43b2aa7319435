package org.patchbay.sip.internal.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Properties;

import javax.sip.PeerUnavailableException;
import javax.sip.message.Request;

import gov.nist.javax.sip.ListeningPointExt;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.SIPServerTransaction;
import gov.nist.javax.sip.stack.SIPTransaction;

import org.patchbay.sip.internal.ws.WsMessageProcessor;
import org.patchbay.sip.internal.ws.WsServer;

/**
 * The RI's stack with RFC 3261 17.2.3 server transaction matching. jain-sip looks server transactions up by branch alone,
 * so a request from another client (or with another method) that happens to reuse a branch is swallowed as a
 * "retransmission" of a transaction it does not belong to — every RFC 4475 message uses one of a few branches, and a
 * buggy or hostile client could silence others that way. Here a transaction found by branch only counts when its method
 * (ACK: an INVITE transaction) and its top Via sent-by match too.
 */
final class RfcMatchingStack extends SipStackImpl {

    private volatile WsServer webSockets;
    private volatile java.util.function.Consumer<String> connectionClosed;

    RfcMatchingStack(Properties properties) throws PeerUnavailableException {
        super(properties);
    }

    /** The WebSocket server whose connections the WS and WSS listening points send through. */
    void webSockets(WsServer server) {
        this.webSockets = server;
    }

    /** Told the flow id of every TCP/TLS connection that ends (set before the listening points are created). */
    void connectionClosed(java.util.function.Consumer<String> listener) {
        this.connectionClosed = listener;
    }

    /**
     * WS and WSS are ours (sockets in Jetty, see {@link WsMessageProcessor}); TCP and TLS the RI's blocking processors
     * that report closed connections; UDP the configured factory's.
     */
    @Override
    protected MessageProcessor createMessageProcessor(InetAddress address, int port, String transport)
            throws IOException {
        WsServer ws = webSockets;
        if (ws != null && (ListeningPointExt.WS.equalsIgnoreCase(transport)
                || ListeningPointExt.WSS.equalsIgnoreCase(transport))) {
            MessageProcessor p = new WsMessageProcessor(address, port, transport.toUpperCase(Locale.ROOT), this, ws);
            addMessageProcessor(p);
            return p;
        }
        java.util.function.Consumer<String> closed = connectionClosed;
        if (closed != null && ("TCP".equalsIgnoreCase(transport) || "TLS".equalsIgnoreCase(transport))) {
            MessageProcessor p = "TCP".equalsIgnoreCase(transport)
                    ? new FlowReportingProcessors.Tcp(address, this, port, closed)
                    : new FlowReportingProcessors.Tls(address, this, port, closed);
            addMessageProcessor(p);
            return p;
        }
        return super.createMessageProcessor(address, port, transport);
    }

    @Override
    public SIPServerTransaction createServerTransaction(MessageChannel channel) {
        // same as the RI's, with strict matching (see StrictServerTransaction)
        return new StrictServerTransaction(this, channel);
    }

    @Override
    public SIPTransaction findTransaction(SIPMessage message, boolean isServer) {
        SIPTransaction tx = super.findTransaction(message, isServer);
        // the RI returns whatever transaction has the branch (getNewServerTransaction then says "already exists" and the
        // request is dropped as a retransmission); keep it only when method and sent-by match too
        if (isServer && tx instanceof SIPServerTransaction st && message instanceof SIPRequest request
                && !st.isMessagePartOfTransaction(request)) {
            return null;
        }
        return tx;
    }

    /**
     * RFC 3261 17.2.3: the method must match the one that created the transaction (ACK: an INVITE transaction). The RI
     * already compares the top Via sent-by with the original request's (it keeps the sent-by after AGGRESSIVE_CLEANUP);
     * {@code getViaHost()} of a transaction is the node's own address, not the client's, so it must not be used here.
     */
    static boolean matches(SIPServerTransaction tx, SIPRequest request) {
        String method = request.getMethod();
        String txMethod = tx.getMethod();
        return method != null && method.equals(txMethod)
                || Request.ACK.equals(method) && tx.isInviteTransaction();
    }
}
