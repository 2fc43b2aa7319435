package org.patchbay.presence.internal.sip;

import java.net.InetSocketAddress;
import java.time.Instant;

import javax.sip.Dialog;
import javax.sip.SipProvider;

import org.patchbay.api.identity.Aor;

/**
 * One subscription this node serves as notifier (RFC 6665): the dialog, the package, who watches whom, and where the
 * subscriber's packets came from. Mutable fields are only touched under the subscription's lock.
 */
final class Subscription {
    final String id;
    final String event;
    final String eventId;
    final Aor target;
    final Aor watcher;
    final Dialog dialog;
    final SipProvider provider;
    final String transport;
    final InetSocketAddress source;
    final Instant created;
    Instant expires;
    int version;
    boolean terminated;

    Subscription(String id, String event, String eventId, Aor target, Aor watcher, Dialog dialog, SipProvider provider,
            String transport, InetSocketAddress source, Instant created, Instant expires) {
        this.id = id;
        this.event = event;
        this.eventId = eventId;
        this.target = target;
        this.watcher = watcher;
        this.dialog = dialog;
        this.provider = provider;
        this.transport = transport;
        this.source = source;
        this.created = created;
        this.expires = expires;
    }

    /** Key of the dialog: Call-ID and the subscriber's tag. */
    static String key(String callId, String remoteTag) {
        return callId + ";" + remoteTag;
    }

    @Override
    public String toString() {
        return event + " subscription of " + watcher + " to " + target;
    }
}
