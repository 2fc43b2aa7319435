package org.patchbay.sip.internal.auth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Credential;
import org.patchbay.api.identity.DigestAlgorithm;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.identity.DirectoryException;
import org.patchbay.sip.spi.SipExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Digest authentication (RFC 7616 / RFC 8760 with the Directory's per-realm HA1s) and the request gate.
 *
 * <p>Every failure looks the same from outside: unknown user, wrong password, foreign or forged nonce, unsupported
 * algorithm all get the same fresh challenge (a dummy hash is computed for unknown users so the timing matches too).
 * {@code stale=true} is only ever sent when the password was right and only the nonce was not acceptable (expired,
 * replayed nonce-count, issued before a restart). Failures are counted per source address; above the limit the address is
 * refused for the cool-down: its requests are dropped silently (no answer tells a scanner nothing and costs nothing).
 */
@Component(service = Authenticator.class, configurationPid = DigestAuthenticator.PID)
@Designate(ocd = DigestAuthenticator.Config.class)
public final class DigestAuthenticator implements Authenticator {
    static final String PID = "org.patchbay.sip.auth";

    @ObjectClassDefinition(name = "Patchbay SIP digest authentication",
            description = "Digest challenges (RFC 7616/8760), brute-force cool-down and scanner filter")
    public @interface Config {
        @AttributeDefinition(description = "Digest algorithms offered, in the order of the WWW-Authenticate / "
                + "Proxy-Authenticate headers (a client uses the first one it supports): MD5, SHA-256")
        String algorithms() default "MD5,SHA-256";

        @AttributeDefinition(description = "Seconds a nonce stays valid; an older one gets stale=true", min = "10", max = "86400")
        int nonce_ttl_seconds() default 300;

        @AttributeDefinition(description = "Failed authentications one source address may have within the window "
                + "before it is refused", min = "1")
        int max_failures() default 10;

        @AttributeDefinition(description = "Seconds of the failure-counting window", min = "1")
        int failure_window_seconds() default 60;

        @AttributeDefinition(description = "Seconds a source address is refused (requests dropped) after too many failures",
                min = "1")
        int cooldown_seconds() default 300;

        @AttributeDefinition(description = "Comma-separated User-Agent substrings (case-insensitive) of SIP scanners, "
                + "whose requests are dropped without answer")
        String scanner_agents() default "friendly-scanner,sipvicious,sipcli,sip-scan,sipscan,VaxSIPUserAgent,iWar,SIVuS,"
                + "smap,pplsip,sundayddr";

        @AttributeDefinition(description = "Comma-separated User-Agent substrings (case-insensitive) of clients that fail "
                + "on any non-MD5 challenge; they are challenged with MD5 only")
        String md5_only_agents() default "baresip v0.,baresip v1.,JsSIP,SIP.js";

        @AttributeDefinition(description = "Most nonces whose nonce-count is tracked for replay protection", min = "1000")
        int max_tracked_nonces() default 200000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(DigestAuthenticator.class);

    private final Directory directory;
    private final AuthSettings settings;
    private final LongSupplier clock;
    private final Nonces nonces;
    private final NonceCounts counts;
    private final FailureThrottle throttle;
    /** Password of the dummy credential computed for unknown users, so their answer takes the time of a real check. */
    private final String dummySecret;

    @Activate
    public DigestAuthenticator(@Reference Directory directory, Config config) {
        this(directory, AuthSettings.of(config), System::currentTimeMillis);
        LOG.info("SIP digest authentication: algorithms {}, nonces valid {} s, more than {} failures in {} s refuse the "
                        + "source for {} s", settings.algorithms().stream().map(DigestAlgorithm::token).toList(),
                settings.nonceTtlMillis() / 1000, settings.maxFailures(), settings.windowMillis() / 1000,
                settings.cooldownMillis() / 1000);
    }

    DigestAuthenticator(Directory directory, AuthSettings settings, LongSupplier clock) {
        this.directory = directory;
        this.settings = settings;
        this.clock = clock;
        this.nonces = new Nonces(settings.nonceTtlMillis());
        this.counts = new NonceCounts(settings.nonceTtlMillis(), settings.maxTrackedNonces());
        this.throttle = new FailureThrottle(settings.maxFailures(), settings.windowMillis(), settings.cooldownMillis());
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        this.dummySecret = HexFormat.of().formatHex(secret);
    }

    @Override
    public boolean admit(Request request, InetSocketAddress source) {
        if (source != null && source.getAddress() != null && throttle.refused(source.getAddress(), clock.getAsLong())) {
            return false;
        }
        String agent = UserAgents.of(request).toLowerCase(Locale.ROOT);
        if (!agent.isEmpty()) {
            for (String scanner : settings.scannerAgents()) {
                if (agent.contains(scanner)) {
                    LOG.debug("dropped {} from {}: scanner User-Agent", request.getMethod(), source);
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public Optional<Aor> authenticate(SipExchange exchange, boolean proxy) {
        InetAddress ip = exchange.source().getAddress();
        long now = clock.getAsLong();
        if (throttle.refused(ip, now)) {
            return Optional.empty();
        }
        Request request = exchange.request();
        SipURI target = target(request, proxy);
        if (target == null) {
            exchange.respond(Response.UNSUPPORTED_URI_SCHEME);
            return Optional.empty();
        }
        String realm = exchange.node().domainOf(target);
        List<DigestAlgorithm> offered = offered(request);
        AuthorizationHeader credentials = credentials(request, proxy, realm);
        if (credentials == null) {
            challenge(exchange, proxy, realm, offered, false, now);
            return Optional.empty();
        }
        DigestCheck check = new DigestCheck(exchange, credentials, realm, offered, now);
        switch (check.run()) {
            case OK:
                return Optional.of(check.aor());
            case STALE:
                challenge(exchange, proxy, realm, offered, true, now);
                return Optional.empty();
            case BAD_REQUEST:
                exchange.respond(exchange.createResponse(Response.BAD_REQUEST));
                return Optional.empty();
            case UNAVAILABLE:
                exchange.respond(Response.SERVICE_UNAVAILABLE);
                return Optional.empty();
            default:
                failed(ip, check.username(), now);
                challenge(exchange, proxy, realm, offered, false, now);
                return Optional.empty();
        }
    }

    /** Counted failures of one address; logs the single line when its cool-down starts. */
    private void failed(InetAddress ip, String username, long now) {
        LOG.debug("digest authentication of '{}' from {} failed", printable(username), ip.getHostAddress());
        int failures = throttle.failure(ip, now);
        if (failures > 0) {
            LOG.warn("SIP authentication from {} failed {} times within {} s: requests from it are dropped for {} s ({} max.failures)",
                    ip.getHostAddress(), failures, settings.windowMillis() / 1000, settings.cooldownMillis() / 1000, PID);
        }
    }

    private List<DigestAlgorithm> offered(Request request) {
        if (!settings.md5OnlyAgents().isEmpty() && settings.algorithms().contains(DigestAlgorithm.MD5)) {
            String agent = UserAgents.of(request).toLowerCase(Locale.ROOT);
            for (String legacy : settings.md5OnlyAgents()) {
                if (agent.contains(legacy)) {
                    return List.of(DigestAlgorithm.MD5);
                }
            }
        }
        return settings.algorithms();
    }

    /** The URI naming the realm: the request-URI of a REGISTER (401), the From URI of a proxied request (407). */
    private static SipURI target(Request request, boolean proxy) {
        URI uri = proxy ? ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI() : request.getRequestURI();
        return uri instanceof SipURI s ? s : null;
    }

    private static AuthorizationHeader credentials(Request request, boolean proxy, String realm) {
        Iterator<?> it = request.getHeaders(proxy ? ProxyAuthorizationHeader.NAME : AuthorizationHeader.NAME);
        while (it.hasNext()) {
            AuthorizationHeader h = (AuthorizationHeader) it.next();
            if (realm.equalsIgnoreCase(h.getRealm())) {
                return h;
            }
        }
        return null;
    }

    private void challenge(SipExchange exchange, boolean proxy, String realm, List<DigestAlgorithm> offered, boolean stale,
                           long now) {
        Response response = exchange.createResponse(proxy ? Response.PROXY_AUTHENTICATION_REQUIRED : Response.UNAUTHORIZED);
        HeaderFactory headers = exchange.node().headerFactory();
        String nonce = nonces.create(realm, now);
        try {
            for (DigestAlgorithm a : offered) {
                WWWAuthenticateHeader h = proxy ? headers.createProxyAuthenticateHeader("Digest")
                        : headers.createWWWAuthenticateHeader("Digest");
                h.setRealm(realm);
                h.setNonce(nonce);
                h.setAlgorithm(a.token());
                h.setQop("auth");
                if (stale) {
                    h.setStale(true);
                }
                response.addHeader(h);
            }
        } catch (ParseException e) {
            throw new IllegalStateException("cannot build a digest challenge for realm " + realm, e);
        }
        exchange.respond(response);
    }

    int trackedNonces() {
        return counts.size();
    }

    static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    enum Outcome { OK, STALE, FAILED, BAD_REQUEST, UNAVAILABLE }

    /** One credentials check; holds what the outcome needs. */
    private final class DigestCheck {
        private final SipExchange exchange;
        private final AuthorizationHeader h;
        private final String realm;
        private final List<DigestAlgorithm> offered;
        private final long now;
        private Aor aor;

        DigestCheck(SipExchange exchange, AuthorizationHeader h, String realm, List<DigestAlgorithm> offered, long now) {
            this.exchange = exchange;
            this.h = h;
            this.realm = realm;
            this.offered = offered;
            this.now = now;
        }

        Aor aor() {
            return aor;
        }

        String username() {
            return h.getUsername();
        }

        Outcome run() {
            if (!"Digest".equalsIgnoreCase(h.getScheme())) {
                return Outcome.FAILED;
            }
            DigestAlgorithm algorithm = h.getAlgorithm() == null ? DigestAlgorithm.MD5 : Digest.algorithm(h.getAlgorithm());
            String qop = h.getQop();
            String nc = h.getParameter("nc");
            String uri = h.getParameter("uri");
            String nonce = h.getNonce();
            String username = h.getUsername();
            if (username == null || nonce == null || uri == null || h.getResponse() == null
                    || qop != null && (nc == null || h.getCNonce() == null)) {
                return Outcome.BAD_REQUEST;
            }
            if (algorithm == null || !offered.contains(algorithm) || qop != null && !"auth".equalsIgnoreCase(qop)) {
                return Outcome.FAILED;
            }
            if (!uriMatches(uri)) {
                LOG.debug("digest uri '{}' does not name request-URI {}", printable(uri), exchange.request().getRequestURI());
                return Outcome.BAD_REQUEST;
            }
            Aor candidate = aor(username);
            String ha1;
            try {
                // a user name that cannot exist is looked up too (as "~"), so it costs what an unknown user costs
                ha1 = directory.credential(candidate != null ? candidate : new Aor("~", realm), realm, algorithm)
                        .map(Credential::ha1).orElse(null);
                if (candidate == null) {
                    ha1 = null;
                }
            } catch (DirectoryException e) {
                LOG.warn("digest authentication unavailable: {}", e.getMessage());
                return Outcome.UNAVAILABLE;
            }
            boolean known = ha1 != null;
            if (!known) {
                ha1 = Digest.ha1(algorithm, username, realm, dummySecret);
            }
            String expected = Digest.response(algorithm, ha1, nonce, nc, h.getCNonce(), qop == null ? null : "auth",
                    exchange.request().getMethod(), uri);
            if (!Digest.same(expected, h.getResponse()) || !known) {
                return Outcome.FAILED;
            }
            return nonceAcceptable(nonce, qop == null ? "00000001" : nc, candidate);
        }

        private Outcome nonceAcceptable(String nonce, String nc, Aor candidate) {
            if (nonces.check(nonce, realm, now) != Nonces.Check.VALID) {
                return Outcome.STALE;
            }
            long count;
            try {
                count = Long.parseLong(nc, 16);
            } catch (NumberFormatException e) {
                return Outcome.BAD_REQUEST;
            }
            if (!counts.advance(nonce, nonces.issued(nonce, realm), count, now)) {
                LOG.debug("nonce-count {} of {} not above the last one: replay or reuse", nc, candidate);
                return Outcome.STALE;
            }
            aor = candidate;
            return Outcome.OK;
        }

        private Aor aor(String username) {
            try {
                return new Aor(username, realm);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /**
         * The digest-uri must be the request-URI (RFC 7616 §3.4.6), or a SIP URI without user part naming this node: SIPp
         * puts its remote address there ({@code sip:127.0.0.1:5060}) whatever the request line says.
         */
        private boolean uriMatches(String uri) {
            URI requestUri = exchange.request().getRequestURI();
            if (uri.equals(requestUri.toString())) {
                return true;
            }
            try {
                URI parsed = exchange.node().addressFactory().createURI(uri);
                return parsed.equals(requestUri)
                        || parsed instanceof SipURI s && s.getUser() == null && exchange.node().isLocal(s.getHost());
            } catch (ParseException | RuntimeException e) {
                return false;
            }
        }
    }
}
