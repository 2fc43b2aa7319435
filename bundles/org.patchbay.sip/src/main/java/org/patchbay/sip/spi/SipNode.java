package org.patchbay.sip.spi;

import java.util.Optional;
import javax.sip.SipProvider;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The running SIP stack, registered as a service while it listens. A restart of the stack (configuration change, bundle
 * update) unregisters it and registers a new one: do not keep dialogs or transactions across that.
 */
@ProviderType
public interface SipNode {

    MessageFactory messageFactory();

    HeaderFactory headerFactory();

    AddressFactory addressFactory();

    /** The provider sending over {@code transport} ({@code udp}, {@code tcp}, {@code tls}), when that transport is on. */
    Optional<SipProvider> provider(String transport);

    /** The address and port this node advertises for {@code transport} in Via, Contact and Record-Route. */
    SipURI localUri(String transport);

    /** The domain a request-URI or To/From URI belongs to: the configured default domain for the node's own addresses. */
    String domainOf(SipURI uri);

    /** True when {@code host} names this node (one of its addresses, its host name, or a configured alias). */
    boolean isLocal(String host);

    /** The configured default domain (users' realm when requests name the node by address). */
    String defaultDomain();

    /** Live jain-sip state, for leak checks and {@code pb:sip}: open dialogs, server and client transactions. */
    StackCounts counts();

    /** Live jain-sip state. */
    record StackCounts(int dialogs, int serverTransactions, int clientTransactions) {
        public int total() {
            return dialogs + serverTransactions + clientTransactions;
        }
    }
}
