package org.patchbay.messaging.internal.sip;

import java.text.ParseException;
import java.util.Calendar;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import javax.sip.ClientTransaction;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.AcceptHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RetryAfterHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.location.Binding;
import org.patchbay.api.messaging.Message;
import org.patchbay.api.messaging.MessageDeliverer;
import org.patchbay.api.messaging.MessageService;
import org.patchbay.api.messaging.MessagingException;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipNode;
import org.patchbay.sip.spi.SipRequestHandler;
import org.patchbay.sip.spi.SipResponseListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP side of messaging (RFC 3428): MESSAGE requests from phones are authenticated like INVITE (407 challenge) and
 * handed to the {@link MessageService}, which answers 202 once the message is stored; messages for SIP bindings go out
 * as MESSAGE requests, one client transaction per device, the device's final answer completing the delivery.
 */
@Component(service = {SipRequestHandler.class, MessageDeliverer.class},
        property = {SipRequestHandler.METHODS + "=MESSAGE", MessageDeliverer.ADAPTER + "=sip"})
public final class SipMessaging implements SipRequestHandler, MessageDeliverer {
    private static final Logger LOG = LoggerFactory.getLogger(SipMessaging.class);

    private volatile MessageService messages;
    private volatile SipNode node;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindMessages(MessageService service) {
        messages = service;
    }

    void unbindMessages(MessageService service) {
        if (messages == service) {
            messages = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNode(SipNode n) {
        node = n;
    }

    void unbindNode(SipNode n) {
        if (node == n) {
            node = null;
        }
    }

    @Override
    public void handle(SipExchange ex) throws Exception {
        Request req = ex.request();
        if (((ToHeader) req.getHeader(ToHeader.NAME)).getTag() != null) {
            // RFC 3428 allows MESSAGE in a dialog; the node keeps no messaging dialogs
            ex.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            return;
        }
        MessageService service = messages;
        if (service == null) {
            ex.respond(Response.SERVICE_UNAVAILABLE);
            return;
        }
        Optional<Aor> sender = ex.authenticate(true);
        if (sender.isEmpty()) {
            return; // challenged (407) or refused: nothing is stored or delivered
        }
        if (!(req.getRequestURI() instanceof SipURI uri)) {
            ex.respond(Response.UNSUPPORTED_URI_SCHEME);
            return;
        }
        Aor recipient;
        try {
            recipient = new Aor(uri.getUser(), ex.node().domainOf(uri));
        } catch (RuntimeException e) {
            LOG.info("{}: MESSAGE to '{}' from {}: no such user; answered 404", ex, uri, sender.get());
            ex.respond(Response.NOT_FOUND);
            return;
        }
        ContentTypeHeader ct = (ContentTypeHeader) req.getHeader(ContentTypeHeader.NAME);
        byte[] body = req.getRawContent();
        if (ct == null || body == null || body.length == 0) {
            Response r = ex.createResponse(Response.BAD_REQUEST);
            r.setReasonPhrase("MESSAGE Without Body");
            ex.respond(r);
            return;
        }
        try {
            service.submit(sender.get(), recipient, SipBodies.contentType(ct), body);
            ex.respond(Response.ACCEPTED);
        } catch (MessagingException e) {
            ex.respond(refusal(ex, e, sender.get(), recipient, service));
        }
    }

    private static Response refusal(SipExchange ex, MessagingException e, Aor sender, Aor recipient, MessageService service)
            throws ParseException, InvalidArgumentException {
        HeaderFactory hf = ex.node().headerFactory();
        Response r;
        switch (e.reason()) {
            case NOT_FOUND -> r = ex.createResponse(Response.NOT_FOUND);
            case TOO_LARGE -> r = ex.createResponse(Response.REQUEST_ENTITY_TOO_LARGE);
            case UNSUPPORTED_TYPE -> {
                r = ex.createResponse(Response.UNSUPPORTED_MEDIA_TYPE);
                for (String type : service.acceptedTypes()) {
                    String[] t = type.split("/", 2);
                    AcceptHeader accept = hf.createAcceptHeader(t[0], t.length > 1 ? t[1] : "*");
                    r.addHeader(accept);
                }
            }
            case RATE_LIMITED -> {
                r = ex.createResponse(Response.SERVICE_UNAVAILABLE);
                r.setReasonPhrase("Rate Limit Exceeded");
                RetryAfterHeader retry = hf.createRetryAfterHeader(Math.max(1, e.retryAfterSeconds()));
                r.addHeader(retry);
            }
            case OFFLINE -> r = ex.createResponse(Response.TEMPORARILY_UNAVAILABLE);
            case INVALID -> r = ex.createResponse(Response.BAD_REQUEST);
            default -> r = ex.createResponse(Response.SERVER_INTERNAL_ERROR);
        }
        if (e.reason() != MessagingException.Reason.RATE_LIMITED) {
            // the rate limit logs once per window itself; everything else once per refusal
            LOG.info("{}: MESSAGE from {} to {} refused {}: {}", ex, sender, recipient, r.getStatusCode(), e.getMessage());
        }
        return r;
    }

    /** Sends one message to one SIP binding; the stage completes with the device's final status (408 on timeout). */
    @Override
    public CompletionStage<Integer> deliver(Binding target, Message message) {
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        SipNode n = node;
        if (n == null) {
            answer.complete(Response.SERVICE_UNAVAILABLE);
            return answer;
        }
        try {
            Optional<SipProvider> provider = n.provider(n.transportTo(target));
            if (provider.isEmpty()) {
                answer.complete(Response.SERVICE_UNAVAILABLE);
                return answer;
            }
            Request req = n.newRequest(target, Request.MESSAGE, address(n, message.from()), address(n, message.to()));
            req.setContent(message.body(), SipBodies.header(n.headerFactory(), message.contentType()));
            if (message.id() > 0) {
                // RFC 3428: a stored message says when it was sent, which matters for one delivered later
                Calendar sent = Calendar.getInstance(TimeZone.getTimeZone("GMT"));
                sent.setTimeInMillis(message.created().toEpochMilli());
                req.addHeader(n.headerFactory().createDateHeader(sent));
            }
            ClientTransaction ct = provider.get().getNewClientTransaction(req);
            ct.setApplicationData(new Answer(answer));
            ct.sendRequest();
        } catch (ParseException | SipException | RuntimeException e) {
            LOG.info("MESSAGE to {} not sent: {}", target.contact(), e.toString());
            answer.complete(Response.SERVER_INTERNAL_ERROR);
        }
        return answer;
    }

    private static Address address(SipNode n, Aor aor) throws ParseException {
        AddressFactory af = n.addressFactory();
        return af.createAddress(af.createSipURI(aor.user(), aor.domain()));
    }

    /** The final answer of one delivery. */
    private record Answer(CompletableFuture<Integer> future) implements SipResponseListener {
        @Override
        public void response(ResponseEvent event) {
            int code = event.getResponse().getStatusCode();
            if (code >= 200) {
                future.complete(code);
            }
        }

        @Override
        public void timeout(TimeoutEvent event) {
            future.complete(Response.REQUEST_TIMEOUT);
        }
    }
}
