package org.patchbay.sip.internal.registrar;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;

import javax.sip.InvalidArgumentException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RequireHeader;
import javax.sip.header.SupportedHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationService;
import org.patchbay.sip.internal.auth.UserAgents;
import org.patchbay.sip.internal.ws.FlowListener;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.header.SIPHeader;

/**
 * The registrar: REGISTER processing of RFC 3261 §10.3 with digest authentication, RFC 5626 outbound (one binding per
 * device and reg-id) and RFC 3327 Path. Bindings go to the {@link LocationService} with the transport, the real source
 * address and the connection they came over, so calls reach devices behind NAT.
 */
@Component(service = {SipRequestHandler.class, FlowListener.class}, property = SipRequestHandler.METHODS + "=REGISTER",
        configurationPid = RegistrarHandler.PID)
@Designate(ocd = RegistrarHandler.Config.class)
public final class RegistrarHandler implements SipRequestHandler, FlowListener {
    static final String PID = "org.patchbay.sip.registrar";
    static final String ADAPTER = "sip";

    @ObjectClassDefinition(name = "Patchbay SIP registrar", description = "Registration lifetimes")
    public @interface Config {
        @AttributeDefinition(description = "Shortest registration accepted in seconds; a shorter one gets 423 Interval Too "
                + "Brief with Min-Expires", min = "1", max = "86400")
        int min_expires() default 60;

        @AttributeDefinition(description = "Longest registration granted in seconds; longer requests are shortened to it",
                min = "1", max = "604800")
        int max_expires() default 7200;

        @AttributeDefinition(description = "Registration lifetime in seconds when the REGISTER names none", min = "1",
                max = "604800")
        int default_expires() default 3600;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RegistrarHandler.class);
    private static final List<String> SUPPORTED = List.of("path", "outbound");

    private final LocationService location;
    private final RegistrarSettings settings;
    private final Clock clock;

    @Activate
    public RegistrarHandler(@Reference LocationService location, Config config) {
        this(location, RegistrarSettings.of(config), Clock.systemUTC());
    }

    RegistrarHandler(LocationService location, RegistrarSettings settings, Clock clock) {
        this.location = location;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void handle(SipExchange x) throws Exception {
        Request request = x.request();
        if (!(request.getRequestURI() instanceof SipURI target)) {
            refuse(x, Response.UNSUPPORTED_URI_SCHEME, null);
            return;
        }
        if (!x.node().isLocal(target.getHost())) {
            refuse(x, Response.FORBIDDEN, "Domain Not Served");
            return;
        }
        List<String> unsupported = optionTags(request, RequireHeader.NAME).stream().filter(t -> !SUPPORTED.contains(t))
                .toList();
        if (!unsupported.isEmpty()) {
            Response r = x.createResponse(Response.BAD_EXTENSION);
            for (String tag : unsupported) {
                r.addHeader(x.node().headerFactory().createUnsupportedHeader(tag));
            }
            x.respond(r);
            return;
        }
        Optional<Aor> user = x.authenticate(false);
        if (user.isEmpty()) {
            return;
        }
        Aor aor = addressOfRecord(x);
        if (!user.get().equals(aor)) {
            LOG.info("REGISTER from {}: {} may not register {}; answered 403", x.source(), user.get(), aor);
            refuse(x, Response.FORBIDDEN, "Only Your Own Address");
            return;
        }
        List<String> supported = optionTags(request, SupportedHeader.NAME);
        ContactRules.Parsed parsed = ContactRules.parse(request, settings, supported.contains("outbound"));
        if (parsed.refused()) {
            refuseContacts(x, parsed);
            return;
        }
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        long cseq = ((CSeqHeader) request.getHeader(CSeqHeader.NAME)).getSeqNumber();
        if (!inOrder(aor, parsed, callId, cseq)) {
            LOG.info("REGISTER of {} from {}: CSeq {} not above the stored one for Call-ID; answered 400", aor, x.source(), cseq);
            refuse(x, Response.BAD_REQUEST, "Invalid CSeq Number");
            return;
        }
        apply(x, aor, parsed, callId, cseq);
        x.respond(ok(x, aor, parsed.outbound(), supported.contains("path")));
    }

    /**
     * A connection ended. Over WebSocket its bindings go with it (RFC 7118: the device is reachable over that
     * connection only). Over TCP/TLS only RFC 5626 outbound bindings (instance and reg-id) go: a plain TCP phone is
     * reached by connecting to its Contact again.
     */
    @Override
    public void flowClosed(String flow) {
        int n;
        if (flow.startsWith("ws:") || flow.startsWith("wss:")) {
            n = location.unbindFlow(flow);
        } else {
            n = 0;
            for (Binding b : location.all()) {
                if (flow.equals(b.flow()) && b.instanceId() != null && b.regId() > 0
                        && location.unbind(b.aor(), b.contact())) {
                    n++;
                }
            }
        }
        if (n > 0) {
            LOG.info("{} closed: {} binding(s) removed", flow, n);
        }
    }

    @Override
    public void flowLost(String flow, java.net.InetSocketAddress peer, java.util.Set<String> hosts) {
        // bindings went when the connection closed
    }

    /** The To URI as an address of record; node addresses and aliases stand for the default domain. */
    private static Aor addressOfRecord(SipExchange x) {
        URI to = ((ToHeader) x.request().getHeader(ToHeader.NAME)).getAddress().getURI();
        if (to instanceof SipURI s && s.getUser() != null) {
            try {
                return new Aor(s.getUser(), x.node().domainOf(s));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private void refuseContacts(SipExchange x, ContactRules.Parsed parsed) throws ParseException, InvalidArgumentException {
        Response r = x.createResponse(parsed.code());
        r.setReasonPhrase(parsed.reason());
        if (parsed.code() == Response.INTERVAL_TOO_BRIEF) {
            r.addHeader(x.node().headerFactory().createMinExpiresHeader(settings.minExpires()));
        }
        LOG.debug("REGISTER from {}: {} {}", x.source(), parsed.code(), parsed.reason());
        x.respond(r);
    }

    /** RFC 3261 §10.3 step 6/7: a binding of the same Call-ID may only change with a higher CSeq. */
    private boolean inOrder(Aor aor, ContactRules.Parsed parsed, String callId, long cseq) {
        for (Binding b : location.lookup(aor)) {
            boolean affected = parsed.wildcard() || parsed.contacts().stream().anyMatch(c -> matches(b, c));
            if (affected && b.callId().equals(callId) && cseq <= b.cseq()) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Binding b, RequestedContact c) {
        return b.contact().equals(c.uri()) || c.instanceId() != null && c.instanceId().equals(b.instanceId())
                && c.regId() == b.regId();
    }

    private void apply(SipExchange x, Aor aor, ContactRules.Parsed parsed, String callId, long cseq) {
        if (parsed.wildcard()) {
            int n = location.unbindAll(aor);
            LOG.debug("{} unregistered all {} contacts from {}", aor, n, x.source());
            return;
        }
        Instant now = clock.instant();
        List<String> path = headerValues(x.request(), "Path");
        String agent = UserAgents.of(x.request());
        for (RequestedContact c : parsed.contacts()) {
            if (c.expires() == 0) {
                for (Binding b : location.lookup(aor)) {
                    if (matches(b, c)) {
                        location.unbind(aor, b.contact());
                    }
                }
                continue;
            }
            location.bind(new Binding(aor, c.uri(), c.instanceId(), c.regId(), callId, cseq, ADAPTER, x.transport(),
                    x.source(), x.flow(), path, agent, c.q(), now, now.plusSeconds(c.expires())));
            LOG.debug("{} bound {} for {} s from {}:{}", aor, c.uri(), c.expires(), x.transport(), x.source());
        }
    }

    private Response ok(SipExchange x, Aor aor, boolean outbound, boolean pathSupported)
            throws ParseException, InvalidArgumentException {
        HeaderFactory headers = x.node().headerFactory();
        Response r = x.createResponse(Response.OK);
        Instant now = clock.instant();
        for (Binding b : location.lookup(aor)) {
            ContactHeader c = headers.createContactHeader(x.node().addressFactory().createAddress(
                    x.node().addressFactory().createURI(b.contact())));
            c.setExpires((int) Math.min(Integer.MAX_VALUE, b.secondsLeft(now)));
            if (b.instanceId() != null) {
                ((gov.nist.javax.sip.header.Contact) c).setQuotedParameter("+sip.instance", unquote(b.instanceId()));
            }
            if (b.regId() > 0) {
                c.setParameter("reg-id", Integer.toString(b.regId()));
            }
            if (b.q() >= 0) {
                c.setQValue(b.q() / 1000f);
            }
            r.addHeader(c);
        }
        if (outbound) {
            r.addHeader(headers.createRequireHeader("outbound"));
        }
        if (pathSupported) {
            for (Iterator<?> it = x.request().getHeaders("Path"); it.hasNext();) {
                r.addHeader((Header) ((Header) it.next()).clone());
            }
        }
        r.addHeader(headers.createSupportedHeader(String.join(", ", SUPPORTED)));
        Calendar date = Calendar.getInstance(TimeZone.getTimeZone("GMT"), Locale.ROOT);
        date.setTimeInMillis(now.toEpochMilli());
        r.addHeader(headers.createDateHeader(date));
        return r;
    }

    private static void refuse(SipExchange x, int code, String reason) throws ParseException {
        Response r = x.createResponse(code);
        if (reason != null) {
            r.setReasonPhrase(reason);
        }
        x.respond(r);
    }

    /** Option tags of every Require or Supported header, lower case (a header may list several). */
    private static List<String> optionTags(Request request, String name) {
        List<String> tags = new ArrayList<>();
        for (String value : headerValues(request, name)) {
            for (String t : value.split(",")) {
                if (!t.isBlank()) {
                    tags.add(t.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return tags;
    }

    private static List<String> headerValues(Request request, String name) {
        List<String> values = new ArrayList<>();
        for (Iterator<?> it = request.getHeaders(name); it.hasNext();) {
            Object h = it.next();
            String v = h instanceof SIPHeader s ? s.getHeaderValue() : h.toString().replaceFirst("^[^:]*:", "");
            if (v != null && !v.isBlank()) {
                values.add(v.strip());
            }
        }
        return values;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
