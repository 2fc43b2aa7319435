package org.patchbay.sip.internal.fakes;

import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.patchbay.api.identity.Aor;
import org.patchbay.sip.internal.auth.Authenticator;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipNode;

/** One parsed request; responses are recorded instead of sent. Authentication goes to the given Authenticator. */
public final class FakeExchange implements SipExchange {
    private final SipNode node;
    private final Request request;
    private final InetSocketAddress source;
    private final String transport;
    private final Authenticator authenticator;
    public final List<Response> responses = new ArrayList<>();

    public FakeExchange(SipNode node, String text, InetSocketAddress source, String transport, Authenticator authenticator) {
        this.node = node;
        try {
            this.request = node.messageFactory().createRequest(text.replace("\n", "\r\n").replace("\r\r\n", "\r\n"));
        } catch (ParseException e) {
            throw new IllegalArgumentException("unparsable test request: " + e.getMessage(), e);
        }
        this.source = source;
        this.transport = transport;
        this.authenticator = authenticator;
    }

    public Response last() {
        return responses.isEmpty() ? null : responses.get(responses.size() - 1);
    }

    @Override
    public RequestEvent event() {
        return null;
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public ServerTransaction transaction() {
        return null;
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
        return "udp".equals(transport) ? null : transport + ":" + source;
    }

    @Override
    public Response createResponse(int code) {
        try {
            Response r = node.messageFactory().createResponse(code, request);
            ((ToHeader) r.getHeader(ToHeader.NAME)).setTag("fake-tag");
            return r;
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void respond(Response response) {
        responses.add(response);
    }

    @Override
    public void respond(int code) {
        respond(createResponse(code));
    }

    @Override
    public Optional<Aor> authenticate(boolean proxy) {
        return authenticator.authenticate(this, proxy);
    }
}
