package org.patchbay.sip.internal.call;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.FromHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.patchbay.api.call.CallService;
import org.patchbay.api.call.Leg;
import org.patchbay.api.call.LegControl;
import org.patchbay.api.call.LegFactory;
import org.patchbay.api.call.Party;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.location.Binding;
import org.patchbay.sip.internal.ws.FlowListener;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipNode;
import org.patchbay.sip.spi.SipRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP adapter of the call model: new INVITEs become caller legs handed to the {@link CallService}; the core's
 * outgoing legs towards SIP bindings are created here. In-dialog requests never come here: the stack gives them to the
 * leg that is the dialog's application data. The set of live legs is this component's, so a stop ends them (BYE,
 * CANCEL or 503) and tells the core; nothing survives a restart.
 */
@Component(service = {SipRequestHandler.class, LegFactory.class, HealthCheck.class, FlowListener.class},
        property = {SipRequestHandler.METHODS + "=INVITE", SipRequestHandler.METHODS + "=BYE",
            SipRequestHandler.METHODS + "=UPDATE", SipRequestHandler.METHODS + "=INFO",
            SipRequestHandler.METHODS + "=PRACK", SipRequestHandler.ACCEPT + "=application/sdp", LegFactory.ADAPTER + "=" + SipCalls.ADAPTER,
            HealthCheck.NAME + "=" + SipCalls.HEALTH})
public final class SipCalls implements SipRequestHandler, LegFactory, HealthCheck, FlowListener {
    /** Health check name; its detail gives the live SIP legs and the stack's tables, for leak checks. */
    static final String HEALTH = "sip-calls";
    static final String ADAPTER = "sip";

    private static final Logger LOG = LoggerFactory.getLogger(SipCalls.class);

    /**
     * Dynamic: the core binds this component as a {@link LegFactory}, so a static reference back to it would be a cycle
     * SCR cannot activate. Without it new INVITEs get 503.
     */
    private volatile CallService calls;
    /** The running stack; dynamic so that a stack restart ends the legs it carried and nothing else. */
    private volatile SipNode node;
    private final Set<SipLeg> live = ConcurrentHashMap.newKeySet();
    /** Our Via branches start with this: a request carrying one came back to us (loop). */
    private final String marker;
    private volatile boolean stopping;
    /** Guards against peers that never finish a transaction (RFC 3261 §9.1: 64*T1 after CANCEL). */
    private final ScheduledThreadPoolExecutor timers;

    @Activate
    public SipCalls() {
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pb-sip-calls-timer");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        this.marker = "z9hG4bKpb" + Long.toString(new SecureRandom().nextLong() & 0xffffffffL, 36) + ".";
    }

    /** Outside OSGi (tests): with a running stack. */
    SipCalls(CallService calls, SipNode node) {
        this();
        this.calls = calls;
        this.node = node;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCalls(CallService service) {
        this.calls = service;
    }

    /** The core went away with every call: say goodbye to the parties of the SIP legs it had. */
    void unbindCalls(CallService service) {
        if (calls != service) {
            return;
        }
        calls = null;
        List<SipLeg> legs = new ArrayList<>(live);
        if (!legs.isEmpty()) {
            LOG.info("sip calls: call service gone, ending {} live SIP legs", legs.size());
        }
        legs.forEach(SipLeg::shutdown);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNode(SipNode n) {
        this.node = n;
    }

    /** The stack is gone with every dialog it had: the legs cannot say goodbye, the core ends their calls. */
    void unbindNode(SipNode n) {
        if (node != n) {
            return;
        }
        node = null;
        List<SipLeg> legs = live.stream().filter(l -> l.node == n).toList();
        if (!legs.isEmpty()) {
            LOG.info("sip calls: SIP stack stopped under {} live SIP legs", legs.size());
        }
        legs.forEach(SipLeg::stackGone);
    }

    @Deactivate
    void deactivate() {
        stopping = true;
        List<SipLeg> legs = new ArrayList<>(live);
        if (!legs.isEmpty()) {
            LOG.info("sip calls: ending {} live SIP legs", legs.size());
        }
        legs.forEach(SipLeg::shutdown);
        live.clear();
        timers.shutdownNow();
    }

    /** Runs {@code task} after {@code millis} unless the adapter stops first. */
    void schedule(Runnable task, long millis) {
        try {
            timers.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping: the legs are being shut down anyway
        }
    }

    @Override
    public void handle(SipExchange ex) throws Exception {
        Request req = ex.request();
        if (!Request.INVITE.equals(req.getMethod())) {
            // BYE, UPDATE, INFO, PRACK reach this handler only when no live dialog of ours matches them
            ex.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            return;
        }
        if (((ToHeader) req.getHeader(ToHeader.NAME)).getTag() != null) {
            // a re-INVITE for a dialog we do not have (any more)
            ex.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            return;
        }
        if (SipMessages.looped(req, marker)) {
            LOG.info("{}: loop detected (our own Via), answered 482", ex);
            ex.respond(Response.LOOP_DETECTED);
            return;
        }
        CallService service = calls;
        if (stopping || service == null) {
            ex.respond(Response.SERVICE_UNAVAILABLE);
            return;
        }
        ex.respond(Response.TRYING);
        Optional<Aor> user = ex.authenticate(true);
        if (user.isEmpty()) {
            return;
        }
        URI ruri = req.getRequestURI();
        if (!(ruri instanceof SipURI sip)) {
            ex.respond(Response.UNSUPPORTED_URI_SCHEME);
            return;
        }
        Aor callee;
        try {
            callee = new Aor(sip.getUser(), ex.node().domainOf(sip));
        } catch (RuntimeException e) {
            LOG.info("{}: no such user '{}' ({}); answered 404", ex, sip.getUser(), e.getMessage());
            ex.respond(Response.NOT_FOUND);
            return;
        }
        ServerTransaction st = ex.transaction();
        if (st == null) {
            return;
        }
        SipProvider provider = (SipProvider) ex.event().getSource();
        Dialog dialog = provider.getNewDialog(st);
        String toTag = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        IncomingLeg leg = new IncomingLeg(this, ex.node(), provider, ex.transport(), callerParty(req, user.get()),
                ex.source(), st, dialog, toTag);
        dialog.setApplicationData(leg);
        st.setApplicationData(leg);
        live.add(leg);
        MaxForwardsHeader mf = (MaxForwardsHeader) req.getHeader(MaxForwardsHeader.NAME);
        int hops = mf == null ? 70 : mf.getMaxForwards();
        synchronized (leg) {
            LegControl control = service.place(leg, callee, SipMessages.sdp(req), hops);
            leg.control(control);
        }
    }

    private static Party callerParty(Request req, Aor user) {
        FromHeader from = (FromHeader) req.getHeader(FromHeader.NAME);
        Address a = from.getAddress();
        String name = a.getDisplayName();
        return new Party(user, "sip:" + user, name == null ? "" : name.strip());
    }

    @Override
    public Leg create(Binding target, Party caller, Party callee, LegControl control) {
        return create(target, caller, callee, control, Map.of());
    }

    /** An outgoing leg whose INVITE carries the {@code X-} headers given (e.g. a vendor's call id). */
    @Override
    public Leg create(Binding target, Party caller, Party callee, LegControl control, Map<String, String> headers) {
        if (stopping) {
            throw new IllegalStateException("sip adapter stopping");
        }
        SipNode node = this.node;
        if (node == null) {
            throw new IllegalStateException("SIP stack not running");
        }
        String transport = node.transportTo(target);
        if (node.provider(transport).isEmpty()) {
            throw new IllegalStateException("SIP transport " + transport + " is off; cannot reach " + target.contact());
        }
        SipProvider provider = node.provider(transport).get();
        OutgoingLeg leg = new OutgoingLeg(this, node, provider, transport, target, caller, callee, headers);
        leg.control(control);
        live.add(leg);
        return leg;
    }

    /** A fresh Via branch carrying our loop marker. */
    String branch() {
        return marker + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    void forget(SipLeg leg) {
        live.remove(leg);
    }

    /** Always up (check {@code sip} judges the stack); the detail is what a leak check compares with zero. */
    @Override
    public HealthResult check() {
        SipNode n = node;
        if (n == null) {
            return HealthResult.up(HEALTH, live.size() + " SIP legs; no SIP stack");
        }
        SipNode.StackCounts c = n.counts();
        return HealthResult.up(HEALTH, live.size() + " SIP legs; stack: " + c.dialogs() + " dialogs, "
                + c.serverTransactions() + " server transactions, " + c.clientTransactions() + " client transactions");
    }

    @Override
    public void flowClosed(String flow) {
        // calls wait for flowLost: the device may reconnect and re-register within the grace period
    }

    /** RFC 5626 flow not recovered: calls of the party on it end towards the other party, the CDR says why. */
    @Override
    public void flowLost(String flow, InetSocketAddress peer, Set<String> hosts) {
        for (SipLeg leg : List.copyOf(live)) {
            if (leg.onFlow(peer, hosts)) {
                LOG.info("{}: WebSocket {} lost and not recovered; ending the call", leg, flow);
                leg.flowLost("websocket connection lost");
            }
        }
    }

    /** Live SIP legs (for tests and listings). */
    int liveLegs() {
        return live.size();
    }
}
