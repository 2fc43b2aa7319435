package org.patchbay.sip.spi;

import java.text.ParseException;
import java.util.Optional;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import org.osgi.annotation.versioning.ProviderType;
import org.patchbay.api.location.Binding;

/**
 * The running SIP stack, registered as a service while it listens. A restart of the stack (configuration change, bundle
 * update) unregisters it and registers a new one: do not keep dialogs or transactions across that.
 */
@ProviderType
public interface SipNode {

    MessageFactory messageFactory();

    HeaderFactory headerFactory();

    AddressFactory addressFactory();

    /**
     * The provider sending over {@code transport} ({@code udp}, {@code tcp}, {@code tls}, {@code ws}, {@code wss}), when
     * that transport is on.
     */
    Optional<SipProvider> provider(String transport);

    /** The address and port this node advertises for {@code transport} in Via, Contact and Record-Route. */
    SipURI localUri(String transport);

    /** The domain a request-URI or To/From URI belongs to: the configured default domain for the node's own addresses. */
    String domainOf(SipURI uri);

    /** True when {@code host} names this node (one of its addresses, its host name, or a configured alias). */
    boolean isLocal(String host);

    /** The configured default domain (users' realm when requests name the node by address). */
    String defaultDomain();

    /**
     * The transport that reaches a registered binding: {@code ws}/{@code wss} for a binding registered over a WebSocket
     * (RFC 7118: reachable over that connection only); otherwise the Contact's {@code transport} parameter when it has
     * one, else the one its REGISTER came over. Send with {@code provider(transportTo(target))}.
     */
    String transportTo(Binding target);

    /**
     * A new out-of-dialog request towards one binding of a user (MESSAGE, NOTIFY of a new subscription, OPTIONS ...):
     * Request-URI the binding's contact; a Via for {@link #transportTo} with a fresh branch; Max-Forwards 70; a fresh
     * Call-ID; CSeq 1 {@code method}; From (given a fresh tag) and To as given; this node's Contact; and the Route that
     * reaches the device (its Path, or its source address when it sits behind NAT or registered over a connection).
     * Add the body and send it through a client transaction of {@code provider(transportTo(target))}.
     */
    Request newRequest(Binding target, String method, Address from, Address to) throws ParseException;

    /** Live jain-sip state, for leak checks and {@code pb:sip}: open dialogs, server and client transactions. */
    StackCounts counts();

    /** Live jain-sip state. */
    record StackCounts(int dialogs, int serverTransactions, int clientTransactions) {
        public int total() {
            return dialogs + serverTransactions + clientTransactions;
        }
    }
}
