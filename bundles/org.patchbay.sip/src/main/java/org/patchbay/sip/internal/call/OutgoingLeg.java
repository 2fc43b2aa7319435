package org.patchbay.sip.internal.call;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import javax.sip.ClientTransaction;
import javax.sip.ObjectInUseException;
import javax.sip.TransactionState;
import javax.sip.ResponseEvent;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RequireHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.patchbay.api.call.LegSignal;
import org.patchbay.api.call.Party;
import org.patchbay.api.location.Binding;
import org.patchbay.sip.internal.stack.BindingRoutes;
import org.patchbay.sip.spi.SipNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A callee's side: an INVITE of our own to one binding, in a dialog of its own (B2BUA: the two sides share nothing
 * but what the core relays).
 */
final class OutgoingLeg extends SipLeg {
    private static final Logger LOG = LoggerFactory.getLogger(OutgoingLeg.class);

    static final long CANCEL_GRACE_MILLIS = 32_000;

    private final Binding target;
    private final Party caller;
    private final Map<String, String> headers;
    private ClientTransaction invite;
    private boolean provisional;
    private boolean cancelled;
    private boolean answered;
    private boolean lateOffer;
    private long ackCseq = -1;
    private LegSignal.Cancel pendingCancel;

    OutgoingLeg(SipCalls owner, SipNode node, SipProvider provider, String transport, Binding target, Party caller,
            Party callee, Map<String, String> headers) {
        super(owner, node, provider, transport, callee, target.source());
        this.target = target;
        this.caller = caller;
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    @Override
    protected boolean answeredSession() {
        return answered && ackCseq < 0;
    }

    @Override
    protected void signalSession(LegSignal s) throws Exception {
        if (s instanceof LegSignal.Connect c) {
            connect(c);
        } else if (s instanceof LegSignal.Cancel c) {
            cancel(c.cause(), c.text());
        } else if (s instanceof LegSignal.Hangup h) {
            if (answered) {
                sendAckIfWaiting(null);
                bye(h.cause(), h.text());
            } else {
                cancel(h.cause(), h.text());
            }
        } else if (s instanceof LegSignal.Confirm c) {
            sendAckIfWaiting(c.sdp());
        }
    }

    private void connect(LegSignal.Connect c) throws Exception {
        HeaderFactory h = node.headerFactory();
        URI requestUri = node.addressFactory().createURI(target.contact());
        CallIdHeader callId = provider.getNewCallId();
        SipURI local = node.localUri(transport);
        SipURI fromUri = caller.aor() != null
                ? node.addressFactory().createSipURI(caller.aor().user(), caller.aor().domain())
                : (SipURI) node.addressFactory().createURI(caller.uri());
        Address fromAddress = node.addressFactory().createAddress(fromUri);
        if (!caller.displayName().isEmpty()) {
            fromAddress.setDisplayName(caller.displayName());
        }
        FromHeader from = h.createFromHeader(fromAddress, Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Address toAddress = node.addressFactory().createAddress(
                node.addressFactory().createSipURI(party.aor().user(), party.aor().domain()));
        ToHeader to = h.createToHeader(toAddress, null);
        ViaHeader via = h.createViaHeader(local.getHost(), local.getPort(), transport, owner.branch());
        List<ViaHeader> vias = new ArrayList<>(List.of(via));
        MaxForwardsHeader mf = h.createMaxForwardsHeader(c.hops());
        CSeqHeader cseq = h.createCSeqHeader(1L, Request.INVITE);
        Request req = node.messageFactory().createRequest(requestUri, Request.INVITE, callId, cseq, from, to, vias, mf);
        req.addHeader(SipMessages.contact(node, transport));
        SipMessages.addAllow(node, req);
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().regionMatches(true, 0, "X-", 0, 2)) {
                req.addHeader(h.createHeader(e.getKey(), e.getValue()));
            }
        }
        for (RouteHeader route : BindingRoutes.routesTo(node, target)) {
            req.addHeader(route);
        }
        lateOffer = c.sdp() == null;
        SipMessages.setSdp(node, req, c.sdp());
        invite = provider.getNewClientTransaction(req);
        invite.setApplicationData(this);
        dialog = provider.getNewDialog(invite);
        dialog.setApplicationData(this);
        invite.sendRequest();
    }

    private void cancel(int cause, String text) throws Exception {
        if (answered) {
            // our 200 crossed the core's decision: take the session down
            sendAckIfWaiting(null);
            bye(cause, text);
            return;
        }
        if (ended) {
            return;
        }
        cancelled = true;
        finish();
        if (!provisional) {
            // RFC 3261 §9.1: no CANCEL before a provisional response; sent when one comes
            pendingCancel = new LegSignal.Cancel(cause, text);
            return;
        }
        sendCancel(cause, text);
    }

    private void sendCancel(int cause, String text) throws Exception {
        Request cancel = invite.createCancel();
        if (cause > 0) {
            cancel.addHeader(SipMessages.reason(node, cause, text));
        }
        ClientTransaction ct = provider.getNewClientTransaction(cancel);
        ct.setApplicationData(this);
        ct.sendRequest();
        // RFC 3261 §9.1: without a final response 64*T1 after the CANCEL, give the INVITE up ourselves
        owner.schedule(this::abandon, CANCEL_GRACE_MILLIS);
    }

    private synchronized void abandon() {
        TransactionState s = invite.getState();
        if (s == TransactionState.CALLING || s == TransactionState.PROCEEDING) {
            LOG.debug("{}: no final response 32 s after CANCEL; transaction and dialog dropped", this);
            try {
                invite.terminate();
            } catch (ObjectInUseException e) {
                LOG.debug("{}: terminate: {}", this, e.toString());
            }
            deleteDialog();
        }
    }

    @Override
    protected boolean isInitialInvite(ClientTransaction ct, CSeqHeader cseq) {
        return Request.INVITE.equals(cseq.getMethod()) && cseq.getSeqNumber() == 1L
                && (ct == null || ct == invite);
    }

    @Override
    protected void initialResponse(ResponseEvent event) throws Exception {
        Response r = event.getResponse();
        int code = r.getStatusCode();
        if (code < 200) {
            provisionalResponse(event);
        } else if (code < 300) {
            if (answered || ended) {
                // a retransmitted 200, or one that raced our CANCEL: acknowledge, and hang up if we did not want it
                long seq = ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getSeqNumber();
                dialog.sendAck(dialog.createAck(seq));
                if (!answered) {
                    answered = true;
                    Request bye = dialog.createRequest(Request.BYE);
                    bye.addHeader(SipMessages.reason(node, 200, "Call completed elsewhere"));
                    sendInDialog(bye);
                }
                return;
            }
            answered = true;
            long seq = ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getSeqNumber();
            if (lateOffer) {
                ackCseq = seq;
            } else {
                dialog.sendAck(dialog.createAck(seq));
            }
            report(new LegSignal.Answer(SipMessages.sdp(r)));
        } else {
            if (!ended) {
                finish();
                report(new LegSignal.Reject(code, r.getReasonPhrase()));
            }
            deleteDialog();
        }
    }

    private void provisionalResponse(ResponseEvent event) throws Exception {
        Response r = event.getResponse();
        int code = r.getStatusCode();
        if (code == 100) {
            if (pendingCancel != null && !provisional) {
                provisional = true;
                sendCancel(pendingCancel.cause(), pendingCancel.text());
            }
            provisional = true;
            return;
        }
        RequireHeader require = (RequireHeader) r.getHeader(RequireHeader.NAME);
        if (require != null && "100rel".equalsIgnoreCase(require.getOptionTag()) && event.getDialog() != null
                && !cancelled) {
            Request prack = event.getDialog().createPrack(r);
            ClientTransaction ct = provider.getNewClientTransaction(prack);
            ct.setApplicationData(this);
            event.getDialog().sendRequest(ct);
        }
        boolean first = !provisional;
        provisional = true;
        if (pendingCancel != null && first) {
            sendCancel(pendingCancel.cause(), pendingCancel.text());
            return;
        }
        if (!ended) {
            report(new LegSignal.Progress(code, r.getReasonPhrase(), SipMessages.sdp(r)));
        }
    }

    private void sendAckIfWaiting(String sdp) throws Exception {
        if (ackCseq >= 0) {
            Request ack = dialog.createAck(ackCseq);
            SipMessages.setSdp(node, ack, sdp);
            ackCseq = -1;
            dialog.sendAck(ack);
        }
    }

    @Override
    protected void ack(Request ack) {
        // ACKs for our re-INVITEs' answers come from us; one from the callee means nothing
    }

    @Override
    protected void initialTimeout() {
        if (!ended) {
            finish();
            reportLost("no final response to INVITE from " + target.contact());
        }
        deleteDialog();
    }

    @Override
    synchronized void shutdown() {
        try {
            if (answered) {
                sendAckIfWaiting(null);
                bye(503, "Service stopping");
            } else {
                cancel(503, "Service stopping");
            }
        } catch (Exception e) {
            LOG.debug("{}: shutdown: {}", this, e.toString());
            finish();
        }
        reportLost("sip adapter stopping");
    }

    @Override
    public String toString() {
        return "sip callee leg to " + target.contact();
    }
}
