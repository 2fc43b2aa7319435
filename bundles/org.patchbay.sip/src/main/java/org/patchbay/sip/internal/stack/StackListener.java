package org.patchbay.sip.internal.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipListener;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionState;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.header.AcceptHeader;
import javax.sip.header.AllowHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.SIPServerTransaction;
import gov.nist.javax.sip.stack.SIPTransaction;

import org.patchbay.sip.internal.auth.Authenticator;
import org.patchbay.sip.spi.SipDialogListener;
import org.patchbay.sip.spi.SipRequestHandler;
import org.patchbay.sip.spi.SipResponseListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's single SipListener: admission, request checks, dispatch to the handler whiteboard, and routing of responses,
 * timeouts and dialog ends to the listeners set as application data. Nothing thrown by a handler reaches the stack.
 */
final class StackListener implements SipListener {

    private static final Logger LOG = LoggerFactory.getLogger(StackListener.class);

    private final SipStackRuntime node;
    private final HandlerRegistry handlers;
    private final Supplier<Authenticator> authenticator;
    private final StackStats stats;

    StackListener(SipStackRuntime node, HandlerRegistry handlers, Supplier<Authenticator> authenticator,
            StackStats stats) {
        this.node = node;
        this.handlers = handlers;
        this.authenticator = authenticator;
        this.stats = stats;
    }

    @Override
    public void processRequest(RequestEvent event) {
        stats.requests.increment();
        Exchange ex;
        try {
            ex = new Exchange(event, node, authenticator, stats);
        } catch (RuntimeException e) {
            stats.dropped.increment();
            LOG.info("dropped a request the stack could not describe: {}", e.toString());
            return;
        }
        Request request = event.getRequest();
        String method = request.getMethod();
        try {
            Authenticator a = authenticator.get();
            if (a != null && !a.admit(request, ex.source())) {
                stats.dropped.increment();
                return;
            }
            boolean ack = Request.ACK.equals(method);
            if (!ack && ex.retransmission()) {
                // the stack already has a server transaction: it answers retransmissions itself
                stats.dropped.increment();
                return;
            }
            RequestChecks.Rejection rejection = RequestChecks.malformed(request);
            if (rejection != null) {
                reject(ex, ack, rejection);
                return;
            }
            MaxForwardsHeader mf = (MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME);
            if (mf != null && mf.getMaxForwards() == 0 && !ack && !Request.OPTIONS.equals(method)) {
                reject(ex, ack, new RequestChecks.Rejection(Response.TOO_MANY_HOPS, "Max-Forwards is 0"));
                return;
            }
            SipRequestHandler handler = dialogHandler(event.getDialog());
            HandlerRegistry.Entry entry = handler != null ? handlers.entryOf(handler) : handlers.entry(method);
            if (handler == null && entry != null) {
                handler = entry.handler();
            }
            if (handler != null || Request.OPTIONS.equals(method)) {
                rejection = RequestChecks.unacceptable(request, entry);
                if (rejection != null) {
                    reject(ex, ack, rejection);
                    return;
                }
            }
            if (handler != null) {
                handler.handle(ex);
                return;
            }
            unhandled(ex, method);
        } catch (Exception | LinkageError e) {
            stats.handlerErrors.increment();
            LOG.warn("{}: handler failed, answered 500: {}", ex, e.toString());
            if (!Request.ACK.equals(method) && !ex.answered()) {
                ex.respond(Response.SERVER_INTERNAL_ERROR);
            }
        }
    }

    private static SipRequestHandler dialogHandler(Dialog dialog) {
        return dialog != null && dialog.getApplicationData() instanceof SipRequestHandler h ? h : null;
    }

    private void unhandled(Exchange ex, String method) throws Exception {
        switch (method) {
            case Request.ACK -> stats.dropped.increment();
            case Request.OPTIONS -> ex.respond(withCapabilities(ex.createResponse(Response.OK)));
            case Request.CANCEL -> cancel(ex);
            default -> reject(ex, Response.METHOD_NOT_ALLOWED, method + " is not handled",
                    withCapabilities(ex.createResponse(Response.METHOD_NOT_ALLOWED)));
        }
    }

    /** CANCEL nobody handles: 481 when it matches no INVITE, else 200 and 487 to the INVITE (plain UAS behaviour). */
    private void cancel(Exchange ex) throws Exception {
        SIPTransaction invite = node.stack() == null ? null
                : node.stack().findCancelTransaction((SIPRequest) ex.request(), true);
        if (!(invite instanceof SIPServerTransaction st)) {
            reject(ex, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "CANCEL matches no transaction", null);
            return;
        }
        ex.respond(Response.OK);
        TransactionState state = st.getState();
        if (state == TransactionState.PROCEEDING || state == TransactionState.TRYING) {
            Response terminated = node.messageFactory().createResponse(Response.REQUEST_TERMINATED, st.getRequest());
            st.sendResponse(terminated);
        }
    }

    private void reject(Exchange ex, int code, String why, Response prepared) {
        stats.rejected.increment();
        LOG.debug("{}: {} ({})", ex, code, why);
        ex.respond(prepared != null ? prepared : ex.createResponse(code));
    }

    /** One line at INFO for malformed input (what was wrong, from where); ACK is never answered. */
    private void reject(Exchange ex, boolean ack, RequestChecks.Rejection r) {
        stats.rejected.increment();
        if (r.code() == Response.BAD_REQUEST || r.code() == Response.VERSION_NOT_SUPPORTED) {
            LOG.info("{}: {} ({})", ex, r.code(), r.reason());
        } else {
            LOG.debug("{}: {} ({})", ex, r.code(), r.reason());
        }
        if (!ack) {
            ex.respond(r.response(ex, node.headerFactory()));
        }
    }

    /** Allow (OPTIONS plus every handled method), Accept and Supported, as for OPTIONS and 405. */
    private Response withCapabilities(Response r) throws Exception {
        HeaderFactory hf = node.headerFactory();
        Set<String> methods = new TreeSet<>(handlers.methods());
        methods.add(Request.OPTIONS);
        for (String m : methods) {
            AllowHeader allow = hf.createAllowHeader(m);
            r.addHeader(allow);
        }
        if (r.getStatusCode() == Response.OK) {
            AcceptHeader accept = hf.createAcceptHeader("application", "sdp");
            r.addHeader(accept);
        }
        return r;
    }

    @Override
    public void processResponse(ResponseEvent event) {
        ClientTransaction ct = event.getClientTransaction();
        SipResponseListener listener = null;
        if (ct != null && ct.getApplicationData() instanceof SipResponseListener l) {
            listener = l;
        } else if (event.getDialog() != null && event.getDialog().getApplicationData() instanceof SipResponseListener l) {
            listener = l;
        }
        if (listener == null) {
            LOG.debug("dropped a {} response nobody waits for", event.getResponse().getStatusCode());
            return;
        }
        try {
            listener.response(event);
        } catch (Exception | LinkageError e) {
            stats.handlerErrors.increment();
            LOG.warn("response listener failed on {} {}: {}", event.getResponse().getStatusCode(),
                    event.getResponse().getReasonPhrase(), e.toString());
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        stats.timeouts.increment();
        if (event.isServerTransaction()) {
            return;
        }
        ClientTransaction ct = event.getClientTransaction();
        if (ct != null && ct.getApplicationData() instanceof SipResponseListener l) {
            try {
                l.timeout(event);
            } catch (RuntimeException | LinkageError e) {
                stats.handlerErrors.increment();
                LOG.warn("response listener failed on timeout: {}", e.toString());
            }
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        stats.ioErrors.increment();
        LOG.info("SIP I/O error towards {}:{}/{}", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        // nothing to release: transactions carry only their listeners
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        Dialog d = event.getDialog();
        if (d != null && d.getApplicationData() instanceof SipDialogListener l) {
            try {
                l.dialogTerminated(event);
            } catch (RuntimeException | LinkageError e) {
                stats.handlerErrors.increment();
                LOG.warn("dialog listener failed: {}", e.toString());
            }
        }
    }

}
