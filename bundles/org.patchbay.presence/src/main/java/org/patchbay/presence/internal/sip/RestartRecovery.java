package org.patchbay.presence.internal.sip;

import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import javax.sip.ClientTransaction;
import javax.sip.ResponseEvent;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RouteHeader;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

import org.patchbay.presence.internal.core.PresenceStore;
import org.patchbay.presence.internal.core.PresenceStore.SubscriptionRow;
import org.patchbay.sip.spi.SipNode;
import org.patchbay.sip.spi.SipResponseListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start does with the subscriptions a crashed node left in the store: their dialogs died with the old stack, so
 * each live one's subscriber gets a NOTIFY {@code terminated;reason=deactivated} built from the stored dialog data (and
 * re-subscribes); every stored row is then deleted. Split out of {@link Notifier}, which serves the live ones.
 */
final class RestartRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(RestartRecovery.class);
    /** A restored subscription's dialog never saw more NOTIFYs than this since its CSeq was stored. */
    private static final long CSEQ_MARGIN = 10_000;

    private final SipNode node;
    private final PresenceStore store;
    private final Clock clock;

    RestartRecovery(SipNode node, PresenceStore store, Clock clock) {
        this.node = node;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Subscriptions stored by a node that stopped without ending them (a crash): their dialogs died with the old stack,
     * so each subscriber gets a NOTIFY terminated;reason=deactivated built from the stored dialog, and re-subscribes.
     */
    void run() {
        List<SubscriptionRow> rows;
        try {
            rows = store.subscriptions();
        } catch (SQLException e) {
            LOG.warn("presence: stored subscriptions not readable: {}", e.getMessage());
            return;
        }
        Instant now = clock.instant();
        List<String> told = new ArrayList<>();
        for (SubscriptionRow r : rows) {
            try {
                if (r.expires().isAfter(now)) {
                    sendDeactivated(r);
                    told.add(r.watcher());
                }
                store.deleteSubscription(r.id());
            } catch (Exception e) {
                LOG.info("presence: stored {} subscription of {} not recovered: {}", r.event(), r.watcher(),
                        e.toString());
                try {
                    store.deleteSubscription(r.id());
                } catch (SQLException ex) {
                    LOG.warn("presence: stored subscription {} not deleted: {}", r.id(), ex.getMessage());
                }
            }
        }
        if (!told.isEmpty()) {
            LOG.info("presence: {} subscriptions from before the restart told to re-subscribe", told.size());
        }
    }

    private void sendDeactivated(SubscriptionRow r) throws Exception {
        SipProvider provider = node.provider(r.transport()).orElseThrow(
                () -> new IllegalStateException("transport " + r.transport() + " is off"));
        HeaderFactory hf = node.headerFactory();
        SipURI local = node.localUri(r.transport());
        Address from = node.addressFactory().createAddress(r.localUri());
        Address to = node.addressFactory().createAddress(r.remoteUri());
        CallIdHeader callId = hf.createCallIdHeader(r.callId());
        CSeqHeader cseq = hf.createCSeqHeader(r.cseq() + CSEQ_MARGIN, Request.NOTIFY);
        FromHeader fromHeader = hf.createFromHeader(from, r.localTag());
        ToHeader toHeader = hf.createToHeader(to, r.remoteTag());
        ViaHeader via = hf.createViaHeader(local.getHost(), local.getPort(), r.transport(),
                "z9hG4bK" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
        Request n = node.messageFactory().createRequest(node.addressFactory().createURI(r.remoteTarget()),
                Request.NOTIFY, callId, cseq, fromHeader, toHeader, new ArrayList<>(List.of(via)),
                hf.createMaxForwardsHeader(70));
        n.addHeader(SipHeaders.contact(node, r.transport()));
        n.addHeader(hf.createEventHeader(r.event()));
        SubscriptionStateHeader state = hf.createSubscriptionStateHeader(SubscriptionStateHeader.TERMINATED);
        state.setReasonCode("deactivated");
        n.addHeader(state);
        int colon = r.source().lastIndexOf(':');
        InetSocketAddress source = new InetSocketAddress(r.source().substring(0, colon),
                Integer.parseInt(r.source().substring(colon + 1)));
        RouteHeader route = SipHeaders.routeToSource(node, n.getRequestURI(), source, r.transport());
        if (route != null) {
            n.addHeader(route);
        }
        ClientTransaction ct = provider.getNewClientTransaction(n);
        ct.setApplicationData(new SipResponseListener() {
            @Override
            public void response(ResponseEvent event) {
                // the subscription is gone either way
            }

            @Override
            public void timeout(TimeoutEvent event) {
                // the subscriber is gone too
            }
        });
        ct.sendRequest();
    }
}
