package org.patchbay.sip.internal.call;

import java.net.InetSocketAddress;

import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.patchbay.api.call.LegSignal;
import org.patchbay.api.call.Party;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The caller's side: a received INVITE whose responses the core decides. */
final class IncomingLeg extends SipLeg {
    private static final Logger LOG = LoggerFactory.getLogger(IncomingLeg.class);

    private final ServerTransaction invite;
    private final String toTag;
    private boolean finalSent;
    private boolean answered;
    private boolean confirmed;

    IncomingLeg(SipCalls owner, SipNode node, SipProvider provider, String transport, Party party,
            InetSocketAddress source, ServerTransaction invite, Dialog dialog, String toTag) {
        super(owner, node, provider, transport, party, source);
        this.invite = invite;
        this.dialog = dialog;
        this.toTag = toTag;
    }

    @Override
    protected boolean answeredSession() {
        return answered;
    }

    @Override
    protected void signalSession(LegSignal s) throws Exception {
        if (s instanceof LegSignal.Progress p) {
            if (!finalSent && !ended) {
                Response r = response(p.code(), p.reason());
                SipMessages.setSdp(node, r, p.sdp());
                invite.sendResponse(r);
            }
        } else if (s instanceof LegSignal.Answer a) {
            if (!finalSent && !ended) {
                Response r = response(Response.OK, "OK");
                SipMessages.addAllow(node, r);
                SipMessages.setSdp(node, r, a.sdp());
                finalSent = true;
                answered = true;
                invite.sendResponse(r);
                // RFC 3261 §13.3.1.4: no ACK within 64*T1 ends the session with a BYE
                owner.schedule(this::ackTimeout, OutgoingLeg.CANCEL_GRACE_MILLIS);
            }
        } else if (s instanceof LegSignal.Reject j) {
            rejectInvite(j.code(), j.reason());
        } else if (s instanceof LegSignal.Hangup h) {
            if (answered) {
                bye(h.cause(), h.text());
            } else {
                rejectInvite(Response.REQUEST_TERMINATED, "Request Terminated");
            }
        } else if (s instanceof LegSignal.Cancel) {
            rejectInvite(Response.REQUEST_TERMINATED, "Request Terminated");
        }
    }

    private void rejectInvite(int code, String reason) throws Exception {
        if (finalSent) {
            finish();
            return;
        }
        finalSent = true;
        finish();
        Response r = node.messageFactory().createResponse(code, invite.getRequest());
        ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(toTag);
        if (reason != null && !reason.isEmpty()) {
            r.setReasonPhrase(reason);
        }
        try {
            invite.sendResponse(r);
        } finally {
            deleteDialog();
        }
    }

    private Response response(int code, String reason) throws Exception {
        Response r = node.messageFactory().createResponse(code, invite.getRequest());
        ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(toTag);
        if (reason != null && !reason.isEmpty()) {
            r.setReasonPhrase(reason);
        }
        r.setHeader(SipMessages.contact(node, transport));
        return r;
    }

    private synchronized void ackTimeout() {
        if (answered && !confirmed && !ended) {
            LOG.info("{}: no ACK for the 200 within 32 s; hanging up", this);
            try {
                bye(408, "No ACK");
            } catch (Exception e) {
                finish();
                deleteDialog();
            }
            reportLost("no ACK from the caller");
        }
    }

    @Override
    protected void ack(Request ack) {
        if (answered && !confirmed) {
            confirmed = true;
            report(new LegSignal.Confirm(SipMessages.sdp(ack)));
        }
    }

    @Override
    protected void cancelled(SipExchange ex) {
        ex.respond(Response.OK);
        if (!finalSent) {
            report(new LegSignal.Cancel(0, ""));
        }
    }

    @Override
    synchronized void shutdown() {
        try {
            if (answered) {
                bye(503, "Service stopping");
            } else {
                rejectInvite(Response.SERVICE_UNAVAILABLE, "Service Unavailable");
            }
        } catch (Exception e) {
            LOG.debug("{}: shutdown: {}", this, e.toString());
            finish();
        }
        reportLost("sip adapter stopping");
    }

    @Override
    public String toString() {
        return "sip caller leg " + (dialog == null ? "" : dialog.getCallId().getCallId());
    }
}
