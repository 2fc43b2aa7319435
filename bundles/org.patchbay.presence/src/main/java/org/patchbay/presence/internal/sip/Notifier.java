package org.patchbay.presence.internal.sip;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.header.ContactHeader;
import javax.sip.header.EventHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RouteHeader;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.presence.PresenceService;
import org.patchbay.presence.internal.core.PresenceConfig;
import org.patchbay.presence.internal.core.PresenceStore;
import org.patchbay.presence.internal.core.PresenceStore.SubscriptionRow;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipNode;
import org.patchbay.sip.spi.SipResponseListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier side of RFC 6665 for the {@code presence} (RFC 3856), {@code dialog} (RFC 4235) and
 * {@code presence.winfo} (RFC 3857, a user watching who watches them) packages: accepts
 * and refreshes subscriptions, sends the NOTIFYs, ends subscriptions on unsubscribe, expiry, a failed NOTIFY or
 * shutdown. Every NOTIFY is sent from the single {@code executor} thread, so one subscription's NOTIFYs go out in
 * order; SIP threads only answer and hand over.
 */
final class Notifier {
    static final String PRESENCE = "presence";
    static final String DIALOG = "dialog";
    static final String WINFO = "presence.winfo";
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final SipNode node;
    private final PresenceService presence;
    private final Directory directory;
    private final PresenceStore store;
    private final PresenceConfig config;
    private final WatcherPolicy policy;
    private final DialogTracker tracker;
    private final Executor executor;
    private final Clock clock;
    private final Object dialogOwner;
    private final Map<String, Subscription> byKey = new ConcurrentHashMap<>();

    Notifier(SipNode node, PresenceService presence, Directory directory, PresenceStore store, PresenceConfig config,
            DialogTracker tracker, Executor executor, Clock clock, Object dialogOwner) {
        this.node = node;
        this.presence = presence;
        this.directory = directory;
        this.store = store;
        this.config = config;
        this.policy = new WatcherPolicy(config.watchers_same_domain(), List.of(config.watchers_allow()),
                List.of(config.watchers_deny()));
        this.tracker = tracker;
        this.executor = executor;
        this.clock = clock;
        this.dialogOwner = dialogOwner;
    }

    int size() {
        return byKey.size();
    }

    /** A SUBSCRIBE outside a dialog: checks, authentication, policy, then 200 and the first NOTIFY. */
    void subscribe(SipExchange ex) throws Exception {
        Request req = ex.request();
        HeaderFactory hf = node.headerFactory();
        String event = SipHeaders.event(req);
        if (!event.equals(PRESENCE) && !event.equals(DIALOG) && !event.equals(WINFO)) {
            Response r = ex.createResponse(Response.BAD_EVENT);
            r.addHeader(hf.createAllowEventsHeader(PRESENCE));
            r.addHeader(hf.createAllowEventsHeader(DIALOG));
            r.addHeader(hf.createAllowEventsHeader(WINFO));
            ex.respond(r);
            return;
        }
        int expires = SipHeaders.expires(req, config.subscribe_default_expires());
        if (expires > 0 && expires < config.subscribe_min_expires()) {
            Response r = ex.createResponse(Response.INTERVAL_TOO_BRIEF);
            r.addHeader(hf.createMinExpiresHeader(config.subscribe_min_expires()));
            ex.respond(r);
            return;
        }
        Optional<Aor> target = SipHeaders.target(node, req);
        if (target.isEmpty()) {
            ex.respond(Response.NOT_FOUND);
            return;
        }
        Optional<Aor> watcher = ex.authenticate(false);
        if (watcher.isEmpty()) {
            return;
        }
        if (directory.find(target.get()).isEmpty()) {
            ex.respond(Response.NOT_FOUND);
            return;
        }
        if (event.equals(WINFO) ? !watcher.get().equals(target.get()) : !policy.allows(watcher.get(), target.get())) {
            LOG.info("SUBSCRIBE from {}: {} may not watch {} (403)", ex.source(), watcher.get(), target.get());
            ex.respond(Response.FORBIDDEN);
            return;
        }
        if (byKey.size() >= config.max_subscriptions()) {
            LOG.warn("SUBSCRIBE from {}: {} subscriptions already, answered 503", ex.source(), byKey.size());
            ex.respond(Response.SERVICE_UNAVAILABLE);
            return;
        }
        expires = Math.min(expires, config.subscribe_max_expires());
        SipProvider provider = (SipProvider) ex.event().getSource();
        ServerTransaction st = ex.transaction();
        Dialog dialog = provider.getNewDialog(st);
        dialog.setApplicationData(dialogOwner);
        Instant now = clock.instant();
        Subscription s = new Subscription(Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36),
                event, SipHeaders.eventId(req), target.get(), watcher.get(), dialog, provider, ex.transport(),
                ex.source(), now, now.plusSeconds(expires));
        Response ok = ex.createResponse(Response.OK);
        ok.addHeader(hf.createExpiresHeader(expires));
        ok.addHeader(SipHeaders.contact(node, ex.transport()));
        ex.respond(ok);
        String key = Subscription.key(dialog.getCallId().getCallId(), dialog.getRemoteTag());
        if (expires == 0) {
            // a fetch (RFC 6665 §4.4.3): one NOTIFY with the state, and done
            executor.execute(() -> notify(s, "terminated;reason=timeout"));
            return;
        }
        byKey.put(key, s);
        LOG.debug("{} for {} s from {}", s, expires, ex.source());
        executor.execute(() -> {
            notify(s, null);
            save(s);
            if (s.event.equals(PRESENCE)) {
                watchersChanged(s.target);
            }
        });
    }

    /** A SUBSCRIBE inside one of our dialogs: refresh, or unsubscribe with Expires 0. */
    void resubscribe(SipExchange ex) throws Exception {
        Request req = ex.request();
        Dialog dialog = ex.event().getDialog();
        Subscription s = dialog == null ? null : byKey.get(Subscription.key(dialog.getCallId().getCallId(),
                dialog.getRemoteTag()));
        if (s == null || !s.event.equals(SipHeaders.event(req))) {
            ex.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            return;
        }
        int expires = SipHeaders.expires(req, config.subscribe_default_expires());
        if (expires > 0 && expires < config.subscribe_min_expires()) {
            Response r = ex.createResponse(Response.INTERVAL_TOO_BRIEF);
            r.addHeader(node.headerFactory().createMinExpiresHeader(config.subscribe_min_expires()));
            ex.respond(r);
            return;
        }
        expires = Math.min(expires, config.subscribe_max_expires());
        synchronized (s) {
            s.expires = clock.instant().plusSeconds(expires);
        }
        Response ok = ex.createResponse(Response.OK);
        ok.addHeader(node.headerFactory().createExpiresHeader(expires));
        ok.addHeader(SipHeaders.contact(node, s.transport));
        ex.respond(ok);
        if (expires == 0) {
            LOG.debug("{} ended by the subscriber", s);
            executor.execute(() -> end(s, "terminated"));
        } else {
            executor.execute(() -> {
                notify(s, null);
                save(s);
            });
        }
    }

    /** NOTIFY the presence watchers of {@code user}. Runs on the executor. */
    void presenceChanged(Aor user) {
        for (Subscription s : byKey.values()) {
            if (s.event.equals(PRESENCE) && s.target.equals(user)) {
                notify(s, null);
            }
        }
    }

    /** NOTIFY the dialog watchers of {@code user}. Runs on the executor. */
    void dialogsChanged(Aor user) {
        for (Subscription s : byKey.values()) {
            if (s.event.equals(DIALOG) && s.target.equals(user)) {
                notify(s, null);
            }
        }
    }

    /** NOTIFY the watcher-info subscribers of {@code user} (RFC 3857) that its presence watchers changed. */
    private void watchersChanged(Aor user) {
        for (Subscription s : byKey.values()) {
            if (s.event.equals(WINFO) && s.target.equals(user)) {
                notify(s, null);
            }
        }
    }

    /** Ends the subscriptions whose time is up (terminated;reason=timeout). Runs on the executor. */
    void sweep() {
        Instant now = clock.instant();
        for (Subscription s : byKey.values()) {
            boolean over;
            synchronized (s) {
                over = !s.expires.isAfter(now);
            }
            if (over) {
                LOG.debug("{} expired", s);
                end(s, "terminated;reason=timeout");
            }
        }
    }

    /** Ends every subscription with a final NOTIFY (shutdown: reason=deactivated, so subscribers re-subscribe). */
    void endAll(String state) {
        for (Subscription s : List.copyOf(byKey.values())) {
            end(s, state);
        }
    }

    /** The stack ended one of our dialogs: forget its subscription without a NOTIFY. */
    void dialogGone(Dialog dialog) {
        if (dialog.getCallId() == null) {
            return;
        }
        Subscription s = byKey.get(Subscription.key(dialog.getCallId().getCallId(), dialog.getRemoteTag()));
        if (s != null && s.dialog == dialog) {
            forget(s);
        }
    }

    private void end(Subscription s, String state) {
        notify(s, state);
        forget(s);
    }

    private void forget(Subscription s) {
        if (byKey.remove(Subscription.key(s.dialog.getCallId().getCallId(), s.dialog.getRemoteTag()), s)) {
            try {
                store.deleteSubscription(s.id);
            } catch (SQLException e) {
                LOG.warn("{}: not deleted from the store: {}", s, e.getMessage());
            }
            if (s.event.equals(PRESENCE)) {
                try {
                    executor.execute(() -> watchersChanged(s.target));
                } catch (RejectedExecutionException e) {
                    // stopping: the watcher-info subscribers get their final NOTIFY anyway
                }
            }
        }
    }

    private void save(Subscription s) {
        if (!byKey.containsValue(s)) {
            return;
        }
        Dialog d = s.dialog;
        Instant expires;
        synchronized (s) {
            expires = s.expires;
        }
        try {
            store.saveSubscription(new SubscriptionRow(s.id, s.event, s.target.toString(), s.watcher.toString(),
                    d.getCallId().getCallId(), d.getLocalTag(), d.getRemoteTag(), d.getLocalParty().getURI().toString(),
                    d.getRemoteParty().getURI().toString(), d.getRemoteTarget().getURI().toString(),
                    s.source.getAddress().getHostAddress() + ":" + s.source.getPort(), s.transport,
                    d.getLocalSeqNumber(), s.created, expires));
        } catch (SQLException | RuntimeException e) {
            LOG.warn("{}: not stored: {}", s, e.toString());
        }
    }

    /** One NOTIFY with the current state; {@code state} null means active with the time left. */
    private void notify(Subscription s, String state) {
        boolean last = state != null;
        try {
            Request n;
            String body;
            synchronized (s) {
                if (s.terminated) {
                    return;
                }
                s.terminated = last;
                n = s.dialog.createRequest(Request.NOTIFY);
                long left = Math.max(0, s.expires.getEpochSecond() - clock.instant().getEpochSecond());
                body = switch (s.event) {
                    case PRESENCE -> Pidf.write(presence.presence(s.target));
                    case WINFO -> watcherInfo(s.target, s.version++);
                    default -> DialogTracker.dialogInfo(s.target, s.version++, tracker.dialogs(s.target));
                };
                n.setHeader(subscriptionState(state, left));
            }
            HeaderFactory hf = node.headerFactory();
            EventHeader ev = hf.createEventHeader(s.event);
            if (s.eventId != null) {
                ev.setEventId(s.eventId);
            }
            n.setHeader(ev);
            if (n.getHeader(ContactHeader.NAME) == null) {
                n.setHeader(SipHeaders.contact(node, s.transport));
            }
            n.setContent(body, switch (s.event) {
                case PRESENCE -> hf.createContentTypeHeader(Pidf.CONTENT_TYPE, Pidf.CONTENT_SUBTYPE);
                case WINFO -> hf.createContentTypeHeader("application", "watcherinfo+xml");
                default -> hf.createContentTypeHeader("application", "dialog-info+xml");
            });
            RouteHeader route = SipHeaders.routeToSource(node, s.dialog.getRemoteTarget() == null ? n.getRequestURI()
                    : s.dialog.getRemoteTarget().getURI(), s.source, s.transport);
            if (route != null && n.getHeader(RouteHeader.NAME) == null) {
                n.addHeader(route);
            }
            ClientTransaction ct = s.provider.getNewClientTransaction(n);
            ct.setApplicationData(new Outcome(s, last));
            s.dialog.sendRequest(ct);
        } catch (Exception e) {
            LOG.info("{}: NOTIFY not sent ({}); subscription ended", s, e.toString());
            forget(s);
            deleteDialog(s);
        }
    }

    /** The watcher-info document (RFC 3858, full state): the live presence subscriptions to {@code user}. */
    private String watcherInfo(Aor user, int version) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<watcherinfo xmlns=\"urn:ietf:params:xml:ns:watcherinfo\" version=\"").append(version)
                .append("\" state=\"full\">\n");
        sb.append(" <watcher-list resource=\"sip:").append(Pidf.xml(user.toString())).append("\" package=\"presence\">\n");
        for (Subscription w : byKey.values()) {
            if (w.event.equals(PRESENCE) && w.target.equals(user) && !w.terminated) {
                sb.append("  <watcher id=\"").append(w.id).append("\" event=\"subscribe\" status=\"active\">sip:")
                        .append(Pidf.xml(w.watcher.toString())).append("</watcher>\n");
            }
        }
        sb.append(" </watcher-list>\n</watcherinfo>\n");
        return sb.toString();
    }

    private SubscriptionStateHeader subscriptionState(String state, long left) throws Exception {
        HeaderFactory hf = node.headerFactory();
        if (state == null) {
            SubscriptionStateHeader h = hf.createSubscriptionStateHeader(SubscriptionStateHeader.ACTIVE);
            h.setExpires((int) left);
            return h;
        }
        String[] parts = state.split(";reason=");
        SubscriptionStateHeader h = hf.createSubscriptionStateHeader(parts[0]);
        if (parts.length > 1) {
            h.setReasonCode(parts[1]);
        }
        return h;
    }

    private static void deleteDialog(Subscription s) {
        try {
            s.dialog.delete();
        } catch (RuntimeException e) {
            // already gone
        }
    }

    /** The answer to one NOTIFY: a failure ends the subscription (RFC 6665 §4.2.2); after the last, the dialog goes. */
    private final class Outcome implements SipResponseListener {
        private final Subscription s;
        private final boolean last;

        Outcome(Subscription s, boolean last) {
            this.s = s;
            this.last = last;
        }

        @Override
        public void response(ResponseEvent event) {
            int code = event.getResponse().getStatusCode();
            if (code < 200) {
                return;
            }
            if (code >= 300) {
                LOG.info("{}: NOTIFY answered {}; subscription ended", s, code);
                forget(s);
                deleteDialog(s);
            } else if (last) {
                deleteDialog(s);
            }
        }

        @Override
        public void timeout(TimeoutEvent event) {
            LOG.info("{}: NOTIFY timed out; subscription ended", s);
            forget(s);
            deleteDialog(s);
        }
    }
}
