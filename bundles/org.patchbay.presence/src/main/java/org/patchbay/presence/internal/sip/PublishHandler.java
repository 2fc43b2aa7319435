package org.patchbay.presence.internal.sip;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.SIPIfMatchHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.patchbay.api.identity.Aor;
import org.patchbay.api.presence.PresenceService;
import org.patchbay.api.presence.PresenceState;
import org.patchbay.api.presence.Publication;
import org.patchbay.presence.internal.core.PresenceConfig;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PUBLISH of the presence package (RFC 3903): initial (a PIDF body, no SIP-If-Match), refresh (SIP-If-Match, no body),
 * modify (SIP-If-Match and a body) and remove (SIP-If-Match, Expires 0). Every success gets a fresh entity tag. Users
 * publish for themselves only.
 */
final class PublishHandler {
    static final String SOURCE = "sip";
    private static final Logger LOG = LoggerFactory.getLogger(PublishHandler.class);

    private final SipNode node;
    private final PresenceService presence;
    private final PresenceConfig config;
    private final Clock clock;

    PublishHandler(SipNode node, PresenceService presence, PresenceConfig config, Clock clock) {
        this.node = node;
        this.presence = presence;
        this.config = config;
        this.clock = clock;
    }

    void handle(SipExchange ex) throws Exception {
        Request req = ex.request();
        HeaderFactory hf = node.headerFactory();
        if (!SipHeaders.event(req).equals("presence")) {
            Response r = ex.createResponse(Response.BAD_EVENT);
            r.addHeader(hf.createAllowEventsHeader("presence"));
            ex.respond(r);
            return;
        }
        Optional<Aor> target = SipHeaders.target(node, req);
        if (target.isEmpty()) {
            ex.respond(Response.NOT_FOUND);
            return;
        }
        int expires = SipHeaders.expires(req, config.publish_default_expires());
        if (expires > 0 && expires < config.publish_min_expires()) {
            Response r = ex.createResponse(Response.INTERVAL_TOO_BRIEF);
            r.addHeader(hf.createMinExpiresHeader(config.publish_min_expires()));
            ex.respond(r);
            return;
        }
        Optional<Aor> user = ex.authenticate(false);
        if (user.isEmpty()) {
            return;
        }
        if (!user.get().equals(target.get())) {
            LOG.info("PUBLISH from {}: {} may not publish for {} (403)", ex.source(), user.get(), target.get());
            ex.respond(Response.FORBIDDEN);
            return;
        }
        expires = Math.min(expires, config.publish_max_expires());
        SIPIfMatchHeader match = (SIPIfMatchHeader) req.getHeader(SIPIfMatchHeader.NAME);
        byte[] body = req.getRawContent();
        boolean hasBody = body != null && body.length > 0;
        if (hasBody && !isPidf((ContentTypeHeader) req.getHeader(ContentTypeHeader.NAME))) {
            Response r = ex.createResponse(Response.UNSUPPORTED_MEDIA_TYPE);
            r.addHeader(hf.createAcceptHeader(Pidf.CONTENT_TYPE, Pidf.CONTENT_SUBTYPE));
            ex.respond(r);
            return;
        }
        Instant now = clock.instant();
        Instant until = now.plusSeconds(expires);
        Aor aor = target.get();
        if (match == null) {
            if (!hasBody || expires == 0) {
                reject(ex, Response.BAD_REQUEST, hasBody ? "an initial PUBLISH cannot have Expires 0"
                        : "an initial PUBLISH needs a PIDF body");
                return;
            }
            publish(ex, aor, body, now, until, null, expires);
            return;
        }
        Optional<Publication> existing = presence.publication(aor, match.getETag());
        if (existing.isEmpty()) {
            ex.respond(Response.CONDITIONAL_REQUEST_FAILED);
            return;
        }
        if (expires == 0) {
            presence.withdraw(aor, match.getETag());
            Response r = ex.createResponse(Response.OK);
            r.addHeader(hf.createSIPETagHeader(match.getETag()));
            r.addHeader(hf.createExpiresHeader(0));
            ex.respond(r);
            return;
        }
        if (hasBody) {
            publish(ex, aor, body, now, until, match.getETag(), expires);
            return;
        }
        String etag = etag();
        presence.publish(new Publication(etag, existing.get().state().as(SOURCE, existing.get().state().updated(), until)));
        presence.withdraw(aor, match.getETag());
        ok(ex, etag, expires);
    }

    private void publish(SipExchange ex, Aor aor, byte[] body, Instant now, Instant until, String replaces, int expires)
            throws Exception {
        PresenceState state;
        try {
            state = Pidf.parse(body, aor, SOURCE, now, until);
        } catch (IllegalArgumentException e) {
            reject(ex, Response.BAD_REQUEST, e.getMessage());
            return;
        }
        String etag = etag();
        presence.publish(new Publication(etag, state));
        if (replaces != null) {
            presence.withdraw(aor, replaces);
        }
        ok(ex, etag, expires);
    }

    private void ok(SipExchange ex, String etag, int expires) throws Exception {
        Response r = ex.createResponse(Response.OK);
        r.addHeader(node.headerFactory().createSIPETagHeader(etag));
        r.addHeader(node.headerFactory().createExpiresHeader(expires));
        ex.respond(r);
    }

    private static void reject(SipExchange ex, int code, String why) throws java.text.ParseException {
        LOG.info("PUBLISH from {}: {} ({})", ex.source(), code, why);
        Response r = ex.createResponse(code);
        String phrase = why.replaceAll("\\p{Cntrl}+", " ");
        r.setReasonPhrase(phrase.length() > 80 ? phrase.substring(0, 80) : phrase);
        ex.respond(r);
    }

    static boolean isPidf(ContentTypeHeader ct) {
        return ct != null && Pidf.CONTENT_TYPE.equalsIgnoreCase(ct.getContentType())
                && Pidf.CONTENT_SUBTYPE.equalsIgnoreCase(ct.getContentSubType());
    }

    private static String etag() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
                + Long.toString(System.nanoTime() & 0xffffff, 36);
    }
}
