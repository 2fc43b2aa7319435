package org.patchbay.sip.internal.fakes;

import java.util.Optional;
import java.util.Set;

import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;

import org.patchbay.sip.spi.SipNode;

/** A SipNode with the real jain-sip factories and no stack: serves {@code example.com} on 127.0.0.1. */
public final class FakeNode implements SipNode {
    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    private final String domain;
    private final Set<String> local;

    public FakeNode() {
        this("example.com", Set.of("127.0.0.1", "example.com", "localhost"));
    }

    public FakeNode(String domain, Set<String> local) {
        try {
            SipFactory f = SipFactory.getInstance();
            f.setPathName("gov.nist");
            messages = f.createMessageFactory();
            headers = f.createHeaderFactory();
            addresses = f.createAddressFactory();
        } catch (PeerUnavailableException e) {
            throw new IllegalStateException(e);
        }
        this.domain = domain;
        this.local = local;
    }

    @Override
    public MessageFactory messageFactory() {
        return messages;
    }

    @Override
    public HeaderFactory headerFactory() {
        return headers;
    }

    @Override
    public AddressFactory addressFactory() {
        return addresses;
    }

    @Override
    public Optional<SipProvider> provider(String transport) {
        return Optional.empty();
    }

    @Override
    public SipURI localUri(String transport) {
        try {
            return addresses.createSipURI(null, "127.0.0.1:5060");
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String transportTo(org.patchbay.api.location.Binding target) {
        return org.patchbay.sip.internal.stack.BindingRoutes.transportTo(target);
    }

    @Override
    public javax.sip.message.Request newRequest(org.patchbay.api.location.Binding target, String method,
            javax.sip.address.Address from, javax.sip.address.Address to) throws java.text.ParseException {
        return org.patchbay.sip.internal.stack.BindingRoutes.newRequest(this, target, method, from, to, null);
    }

    @Override
    public String domainOf(SipURI uri) {
        String host = uri.getHost().toLowerCase(java.util.Locale.ROOT);
        return isLocal(host) ? domain : host;
    }

    @Override
    public boolean isLocal(String host) {
        return local.contains(host.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public String defaultDomain() {
        return domain;
    }

    @Override
    public StackCounts counts() {
        return new StackCounts(0, 0, 0);
    }
}
