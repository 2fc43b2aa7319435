package org.patchbay.media.internal.stun;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ICE-lite side of one media stream (RFC 8445 §2.5, §7.3): answers the full agent's Binding
 * requests, learns valid candidate pairs (identified by the remote transport address, since a lite
 * agent has one host candidate per component), selects the pair the controlling agent nominates
 * with USE-CANDIDATE, and keeps consent (RFC 7675): a pair stays valid while authenticated checks
 * keep arriving, and lapses {@link #CONSENT_TIMEOUT_MILLIS} after the last one.
 *
 * <p>A lite agent is always controlled, so a request carrying ICE-CONTROLLED is a role conflict it
 * cannot resolve by switching: it answers 487 (RFC 8445 §7.3.1.1 with the switch ruled out by §6.1.1).
 *
 * <p>Time is passed in (milliseconds, any monotonic origin) so callers and tests own the clock.
 * Thread-safe: the socket thread handles requests while other threads ask {@link #isValidated}.
 */
public final class IceLiteResponder {

    /** Consent lapses this long after the last valid check (RFC 7675 §5.1). */
    public static final long CONSENT_TIMEOUT_MILLIS = 30_000;
    /** Remote addresses remembered; the least recently checked one is forgotten first. */
    public static final int MAX_PAIRS = 16;

    /** What became of one datagram. */
    public enum Verdict {
        /** An authenticated check: the pair is valid (and selected if nominated); the response is a success. */
        VALID_CHECK,
        /** A request answered with an error response (400, 401, 420, 487). */
        ERROR,
        /** Not answered: malformed, bad FINGERPRINT, or not a request. */
        DROPPED
    }

    /**
     * The result of {@link #handle}.
     *
     * @param verdict  what happened
     * @param response the datagram to send back to the source, or null
     * @param reason   a short reason for ERROR and DROPPED (for a rate-limited log line), else null
     */
    public record Outcome(Verdict verdict, byte[] response, String reason) {
    }

    private final IceCredentials local;
    private final byte[] key;
    private final Map<InetSocketAddress, Long> lastValidCheck = new LinkedHashMap<>(16, 0.75f, true);
    private String remoteUfrag;
    private InetSocketAddress selected;
    private long dropped;
    private long errors;

    /**
     * @param local       our ufrag and password, as sent in our SDP
     * @param remoteUfrag the peer's ufrag from its SDP, or null to accept any until {@link #remoteUfrag} sets it
     */
    public IceLiteResponder(IceCredentials local, String remoteUfrag) {
        this.local = local;
        this.key = local.integrityKey();
        this.remoteUfrag = remoteUfrag;
    }

    /** Sets the peer's ufrag (e.g. after an ICE restart in a new offer); pairs learned so far are forgotten. */
    public synchronized void remoteUfrag(String ufrag) {
        this.remoteUfrag = ufrag;
        lastValidCheck.clear();
        selected = null;
    }

    /** Our credentials. */
    public IceCredentials local() {
        return local;
    }

    /** Handles one datagram that the demultiplexer classified as STUN. Never throws on bad input. */
    public synchronized Outcome handle(byte[] buf, int off, int len, InetSocketAddress from, long now) {
        StunMessage req;
        try {
            req = StunMessage.parse(buf, off, len);
        } catch (StunFormatException e) {
            return drop("malformed STUN: " + e.getMessage());
        }
        if (req.hasFingerprint() && !req.fingerprintValid()) {
            return drop("bad STUN FINGERPRINT");
        }
        if (!req.isRequest()) {
            return drop("STUN " + (req.type() == StunMessage.BINDING_INDICATION ? "indication" : "response")
                    + " ignored");
        }
        if (req.method() != StunMessage.BINDING) {
            return error(req, from, 400, "Bad Request", false, "STUN method " + req.method() + " unsupported");
        }
        String username = req.username();
        if (username == null || !req.hasIntegrity()) {
            return error(req, from, 400, "Bad Request", false, "STUN request without USERNAME or MESSAGE-INTEGRITY");
        }
        if (!usernameMatches(username)) {
            return error(req, from, 401, "Unauthorized", false, "STUN USERNAME does not match our ufrag");
        }
        if (!req.integrityValid(key)) {
            return error(req, from, 401, "Unauthorized", false, "STUN MESSAGE-INTEGRITY does not verify");
        }
        int[] unknown = unknownRequired(req);
        if (unknown.length > 0) {
            byte[] resp = new StunMessageBuilder(StunMessage.BINDING_ERROR, req.transactionId())
                    .errorCode(420, "Unknown Attribute").unknownAttributes(unknown).build(key, true);
            errors++;
            return new Outcome(Verdict.ERROR, resp, "STUN request with unknown comprehension-required attributes");
        }
        if (req.priority() < 0) {
            return error(req, from, 400, "Bad Request", true, "ICE check without PRIORITY");
        }
        if (req.has(StunAttributes.ICE_CONTROLLED)) {
            return error(req, from, 487, "Role Conflict", true, "ICE role conflict: peer is controlled too");
        }
        return success(req, from, now);
    }

    private Outcome success(StunMessage req, InetSocketAddress from, long now) {
        lastValidCheck.put(from, now);
        if (lastValidCheck.size() > MAX_PAIRS) {
            InetSocketAddress eldest = lastValidCheck.keySet().iterator().next();
            lastValidCheck.remove(eldest);
            if (eldest.equals(selected)) {
                selected = null;
            }
        }
        if (req.has(StunAttributes.USE_CANDIDATE)) {
            selected = from;
        }
        byte[] resp = new StunMessageBuilder(StunMessage.BINDING_SUCCESS, req.transactionId())
                .xorMappedAddress(from).build(key, true);
        return new Outcome(Verdict.VALID_CHECK, resp, null);
    }

    private boolean usernameMatches(String username) {
        int colon = username.indexOf(':');
        if (colon < 0 || !username.substring(0, colon).equals(local.ufrag())) {
            return false;
        }
        return remoteUfrag == null || username.substring(colon + 1).equals(remoteUfrag);
    }

    private static int[] unknownRequired(StunMessage req) {
        List<Integer> unknown = new ArrayList<>();
        for (int type : req.attributeTypes()) {
            if (!StunAttributes.understood(type) && !unknown.contains(type)) {
                unknown.add(type);
            }
        }
        return unknown.stream().mapToInt(Integer::intValue).toArray();
    }

    private Outcome error(StunMessage req, InetSocketAddress from, int code, String phrase, boolean authenticated,
                          String reason) {
        errors++;
        byte[] resp = new StunMessageBuilder(StunMessage.BINDING_ERROR, req.transactionId())
                .errorCode(code, phrase).build(authenticated ? key : null, true);
        return new Outcome(Verdict.ERROR, resp, reason + " from " + from);
    }

    private Outcome drop(String reason) {
        dropped++;
        return new Outcome(Verdict.DROPPED, null, reason);
    }

    /** Whether media from {@code address} may be accepted: a valid check arrived from it within the consent timeout. */
    public synchronized boolean isValidated(InetSocketAddress address, long now) {
        Long last = lastValidCheck.get(address);
        return last != null && now - last < CONSENT_TIMEOUT_MILLIS;
    }

    /** The nominated pair's remote address (where to send media), or null before nomination. */
    public synchronized InetSocketAddress selected() {
        return selected;
    }

    /** Whether a pair was selected and its consent has lapsed; the leg should then stop sending and end. */
    public synchronized boolean consentExpired(long now) {
        if (selected == null) {
            return false;
        }
        Long last = lastValidCheck.get(selected);
        return last == null || now - last >= CONSENT_TIMEOUT_MILLIS;
    }

    /** Datagrams dropped without an answer. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Requests answered with an error response. */
    public synchronized long errors() {
        return errors;
    }
}
