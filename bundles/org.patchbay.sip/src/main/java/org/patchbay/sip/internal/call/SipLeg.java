package org.patchbay.sip.internal.call;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogState;
import javax.sip.DialogTerminatedEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.header.CSeqHeader;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.patchbay.api.call.Leg;
import org.patchbay.api.call.LegControl;
import org.patchbay.api.call.LegSignal;
import org.patchbay.api.call.Party;
import org.patchbay.sip.spi.SipDialogListener;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipNode;
import org.patchbay.sip.spi.SipRequestHandler;
import org.patchbay.sip.spi.SipResponseListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SIP dialog as a leg of the core's call. It is the dialog's and its transactions' application data, so the stack
 * routes everything about the dialog here; nothing about it lives anywhere else. What both directions share lives here:
 * BYE, re-INVITE/UPDATE (hold, resume), INFO, PRACK and their answers. Methods are synchronized on the leg: the stack's
 * threads and the call's executor both come here, but never wait for each other for long.
 */
abstract class SipLeg implements Leg, SipRequestHandler, SipResponseListener, SipDialogListener {
    private static final Logger LOG = LoggerFactory.getLogger(SipLeg.class);

    protected final SipCalls owner;
    protected final SipNode node;
    protected final SipProvider provider;
    protected final String transport;
    protected final Party party;
    protected final InetSocketAddress source;
    protected Dialog dialog;
    protected LegControl control;
    protected boolean ended;
    /** Requests from the party waiting for the core's answer: txn → transaction. */
    private final Map<String, ServerTransaction> waiting = new HashMap<>();
    /** Requests we sent on the core's behalf: transaction → the core's txn. */
    private final Map<ClientTransaction, String> sent = new HashMap<>();
    private ClientTransaction reinviteOut;
    private ServerTransaction reinviteIn;
    private int txns;

    SipLeg(SipCalls owner, SipNode node, SipProvider provider, String transport, Party party, InetSocketAddress source) {
        this.owner = owner;
        this.node = node;
        this.provider = provider;
        this.transport = transport;
        this.party = party;
        this.source = source;
    }

    @Override
    public String adapter() {
        return SipCalls.ADAPTER;
    }

    @Override
    public Party party() {
        return party;
    }

    synchronized void control(LegControl c) {
        this.control = c;
    }

    @Override
    public synchronized Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("transport", transport);
        d.put("remote", source == null ? "" : source.getAddress().getHostAddress() + ":" + source.getPort());
        if (dialog != null) {
            d.put("call-id", dialog.getCallId().getCallId());
            DialogState s = dialog.getState();
            d.put("dialog", s == null ? "new" : s.toString().toLowerCase(java.util.Locale.ROOT));
        }
        return d;
    }

    /** Reports to the core; {@code control} is set right after the leg is handed to the core. */
    protected void report(LegSignal s) {
        if (control != null) {
            control.signal(s);
        }
    }

    protected void reportLost(String reason) {
        if (control != null) {
            control.lost(reason);
        }
    }

    // --- requests from the party inside the dialog -------------------------------------------------------------------

    @Override
    public synchronized void handle(SipExchange ex) throws Exception {
        Request req = ex.request();
        String method = req.getMethod();
        if (ended && !Request.ACK.equals(method)) {
            ex.respond(Request.BYE.equals(method) ? Response.OK : Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            return;
        }
        switch (method) {
            case Request.BYE -> {
                ex.respond(Response.OK);
                deleteDialog();
                finish();
                report(new LegSignal.Hangup(0, ""));
            }
            case Request.INVITE, Request.UPDATE -> modifyIn(ex, method);
            case Request.INFO -> {
                ServerTransaction st = ex.transaction();
                String txn = "i" + (++txns);
                waiting.put(txn, st);
                report(new LegSignal.Info(txn, SipMessages.contentType(req), req.getRawContent()));
            }
            case Request.ACK -> ack(req);
            case Request.PRACK, Request.OPTIONS -> ex.respond(Response.OK);
            case Request.CANCEL -> cancelled(ex);
            default -> ex.respond(Response.NOT_IMPLEMENTED);
        }
    }

    private void modifyIn(SipExchange ex, String method) throws Exception {
        boolean invite = Request.INVITE.equals(method);
        if (!invite && ex.request().getRawContent() == null && answeredSession()) {
            // RFC 4028 session refresh without an offer (JsSIP sends one every Session-Expires/2 when the node names
            // no refresher): the node runs no session timers, so it answers here instead of relaying a request the
            // other party may not support; a failed refresh would make the browser hang up
            ex.respond(Response.OK);
            return;
        }
        if (!answeredSession() || reinviteOut != null || (invite && reinviteIn != null)) {
            // RFC 3261 §14.2: an INVITE crossing our own pending one is refused with 491
            ex.respond(Response.REQUEST_PENDING);
            return;
        }
        ServerTransaction st = ex.transaction();
        String txn = "m" + (++txns);
        waiting.put(txn, st);
        if (invite) {
            reinviteIn = st;
        }
        report(new LegSignal.Modify(txn, invite ? LegSignal.Modify.Kind.REINVITE : LegSignal.Modify.Kind.UPDATE,
                SipMessages.sdp(ex.request())));
    }

    /** True once the session is established (initial INVITE answered and confirmed or about to be). */
    protected abstract boolean answeredSession();

    protected abstract void ack(Request ack);

    protected void cancelled(SipExchange ex) {
        ex.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
    }

    // --- signals from the core ---------------------------------------------------------------------------------------

    @Override
    public synchronized void signal(LegSignal s) {
        try {
            if (s instanceof LegSignal.Modify m) {
                modifyOut(m);
            } else if (s instanceof LegSignal.ModifyResult r) {
                answerWaiting(r.txn(), r.code(), r.reason(), r.sdp(), true);
            } else if (s instanceof LegSignal.Info i) {
                infoOut(i);
            } else if (s instanceof LegSignal.InfoResult r) {
                answerWaiting(r.txn(), r.code(), r.reason(), null, false);
            } else {
                signalSession(s);
            }
        } catch (Exception e) {
            LOG.info("{}: cannot send {}: {}", this, s.getClass().getSimpleName(), e.toString());
            if (s instanceof LegSignal.Modify m) {
                report(new LegSignal.ModifyResult(m.txn(), 500, "Server Internal Error", null));
            } else if (s instanceof LegSignal.Info i) {
                report(new LegSignal.InfoResult(i.txn(), 500, "Server Internal Error"));
            } else if (!ended) {
                finish();
                reportLost("send failed: " + e.getMessage());
            }
        }
    }

    /** Connect, Progress, Answer, Reject, Confirm, Cancel, Hangup: the direction-specific part. */
    protected abstract void signalSession(LegSignal s) throws Exception;

    private void modifyOut(LegSignal.Modify m) throws Exception {
        if (ended || dialog == null || reinviteIn != null || reinviteOut != null) {
            report(new LegSignal.ModifyResult(m.txn(), Response.REQUEST_PENDING, "Request Pending", null));
            return;
        }
        boolean invite = m.kind() == LegSignal.Modify.Kind.REINVITE;
        Request req = dialog.createRequest(invite ? Request.INVITE : Request.UPDATE);
        req.setHeader(SipMessages.contact(node, transport));
        SipMessages.setSdp(node, req, m.sdp());
        ClientTransaction ct = sendInDialog(req);
        sent.put(ct, m.txn());
        if (invite) {
            reinviteOut = ct;
        }
    }

    private void infoOut(LegSignal.Info i) throws Exception {
        if (ended || dialog == null) {
            report(new LegSignal.InfoResult(i.txn(), 481, "Call Does Not Exist"));
            return;
        }
        Request req = dialog.createRequest(Request.INFO);
        SipMessages.setBody(node, req, i.contentType(), i.body());
        sent.put(sendInDialog(req), i.txn());
    }

    private void answerWaiting(String txn, int code, String reason, String sdp, boolean modify) throws Exception {
        ServerTransaction st = waiting.remove(txn);
        if (st == null) {
            return;
        }
        if (st == reinviteIn) {
            reinviteIn = null;
        }
        Response r = node.messageFactory().createResponse(code, st.getRequest());
        if (reason != null && !reason.isEmpty()) {
            r.setReasonPhrase(reason);
        }
        if (modify && code >= 200 && code < 300) {
            r.setHeader(SipMessages.contact(node, transport));
            SipMessages.setSdp(node, r, sdp);
        }
        st.sendResponse(r);
    }

    /** Sends a request inside the dialog, towards the party's source address when its Contact would not reach it. */
    protected ClientTransaction sendInDialog(Request req) throws Exception {
        RouteHeader route = SipMessages.routeToSource(node, dialog.getRemoteTarget() == null ? req.getRequestURI()
                : dialog.getRemoteTarget().getURI(), source, transport);
        if (route != null && req.getHeader(RouteHeader.NAME) == null) {
            req.addHeader(route);
        }
        ClientTransaction ct = provider.getNewClientTransaction(req);
        ct.setApplicationData(this);
        dialog.sendRequest(ct);
        return ct;
    }

    /** Hangs up an established dialog (BYE) and forgets the leg. */
    protected void bye(int cause, String text) throws Exception {
        if (dialog != null && dialog.getState() == DialogState.CONFIRMED) {
            Request bye = dialog.createRequest(Request.BYE);
            if (cause > 0 || (text != null && !text.isEmpty())) {
                bye.addHeader(SipMessages.reason(node, cause > 0 ? cause : 200, text));
            }
            sendInDialog(bye);
        } else {
            deleteDialog();
        }
        finish();
    }

    // --- responses to what we sent -----------------------------------------------------------------------------------

    @Override
    public synchronized void response(ResponseEvent event) throws Exception {
        Response r = event.getResponse();
        CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
        String method = cseq.getMethod();
        ClientTransaction ct = event.getClientTransaction();
        if (isInitialInvite(ct, cseq)) {
            initialResponse(event);
            return;
        }
        int code = r.getStatusCode();
        if (code < 200) {
            return;
        }
        if (Request.BYE.equals(method)) {
            deleteDialog();
            return;
        }
        if (Request.INVITE.equals(method) && code < 300 && event.getDialog() != null) {
            event.getDialog().sendAck(event.getDialog().createAck(cseq.getSeqNumber()));
        }
        String txn = ct == null ? null : sent.remove(ct);
        if (ct != null && ct == reinviteOut) {
            reinviteOut = null;
        }
        if (txn == null || ended) {
            return;
        }
        if (Request.INFO.equals(method)) {
            report(new LegSignal.InfoResult(txn, code, r.getReasonPhrase()));
        } else if (Request.INVITE.equals(method) || Request.UPDATE.equals(method)) {
            report(new LegSignal.ModifyResult(txn, code, r.getReasonPhrase(), SipMessages.sdp(r)));
            if (code == 481 || code == 408) {
                // the party lost the dialog: the call is over
                finish();
                reportLost("dialog gone (" + code + ")");
            }
        }
    }

    protected boolean isInitialInvite(ClientTransaction ct, CSeqHeader cseq) {
        return false;
    }

    protected void initialResponse(ResponseEvent event) throws Exception {
    }

    @Override
    public synchronized void timeout(TimeoutEvent event) {
        ClientTransaction ct = event.getClientTransaction();
        if (ct != null && isInitialInvite(ct, (CSeqHeader) ct.getRequest().getHeader(CSeqHeader.NAME))) {
            initialTimeout();
            return;
        }
        String txn = ct == null ? null : sent.remove(ct);
        if (ct != null && ct == reinviteOut) {
            reinviteOut = null;
        }
        String method = ct == null ? "" : ct.getRequest().getMethod();
        if (Request.BYE.equals(method)) {
            deleteDialog();
            return;
        }
        if (ended) {
            return;
        }
        if (txn != null && Request.INFO.equals(method)) {
            report(new LegSignal.InfoResult(txn, 408, "Request Timeout"));
        } else if (txn != null) {
            report(new LegSignal.ModifyResult(txn, 408, "Request Timeout", null));
        }
        // no answer inside the dialog: the party is gone
        finish();
        deleteDialog();
        reportLost(method + " timed out");
    }

    protected void initialTimeout() {
    }

    @Override
    public synchronized void dialogTerminated(DialogTerminatedEvent event) {
        if (!ended) {
            finish();
            reportLost("dialog terminated");
        }
    }

    /** The leg is over for the core: nothing more is reported, pending requests are answered, the owner forgets it. */
    protected void finish() {
        if (ended) {
            return;
        }
        ended = true;
        for (ServerTransaction st : waiting.values()) {
            try {
                st.sendResponse(node.messageFactory().createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST,
                        st.getRequest()));
            } catch (Exception e) {
                LOG.debug("{}: answering a pending request: {}", this, e.toString());
            }
        }
        waiting.clear();
        owner.forget(this);
    }

    /** Removes the dialog from the stack now, rather than after jain-sip's 8 s linger for terminated dialogs. */
    protected void deleteDialog() {
        if (dialog != null) {
            dialog.delete();
        }
    }

    /** The adapter stops: end the dialog cleanly towards the party and tell the core the leg is gone. */
    abstract void shutdown();

    /**
     * True when this leg's party sat on the WebSocket connection {@code peer} (or used one of its {@code .invalid}
     * hosts as its Contact).
     */
    synchronized boolean onFlow(InetSocketAddress peer, java.util.Set<String> hosts) {
        if (!"ws".equalsIgnoreCase(transport) && !"wss".equalsIgnoreCase(transport)) {
            return false;
        }
        if (peer != null && peer.equals(source)) {
            return true;
        }
        if (dialog != null && dialog.getRemoteTarget() != null
                && dialog.getRemoteTarget().getURI() instanceof javax.sip.address.SipURI uri && uri.getHost() != null) {
            return hosts.contains(uri.getHost().toLowerCase(java.util.Locale.ROOT));
        }
        return false;
    }

    /** The party's WebSocket connection dropped and it did not come back in time: end the leg without a BYE. */
    synchronized void flowLost(String reason) {
        if (!ended) {
            deleteDialog();
            finish();
            reportLost(reason);
        }
    }

    /** The stack stopped with this leg's dialog in it: nothing can be sent any more. */
    synchronized void stackGone() {
        if (!ended) {
            finish();
            reportLost("sip stack stopped");
        }
    }
}
