package org.patchbay.api.location;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.patchbay.api.identity.Aor;

/**
 * One registered contact of an address of record: where and how the user's device can be reached.
 *
 * @param aor        the registered address of record
 * @param contact    the contact URI as registered (e.g. {@code sip:alice@192.0.2.1:5062;transport=tcp}), without parameters of the header
 * @param instanceId RFC 5626 {@code +sip.instance} (e.g. {@code <urn:uuid:...>}), or null
 * @param regId      RFC 5626 {@code reg-id}, or 0 when absent
 * @param callId     Call-ID of the REGISTER that created or last refreshed the binding
 * @param cseq       CSeq of that REGISTER
 * @param adapter    the protocol adapter that reaches this contact, e.g. {@code sip}; the core picks the leg factory by it
 * @param transport  transport the REGISTER came over: udp, tcp, tls, ws, wss
 * @param source     the packet's source address (what a NATed device is reached back on)
 * @param flow       opaque id of the connection the REGISTER came over (RFC 5626 flow), or null for UDP
 * @param path       Path header values in order (RFC 3327), empty when none
 * @param userAgent  the User-Agent header, or empty
 * @param q          the contact's q-value in thousandths (1000 = q=1.0), or -1 when absent
 * @param registered when the binding was first created
 * @param expires    when the binding expires unless refreshed
 */
public record Binding(Aor aor, String contact, String instanceId, int regId, String callId, long cseq, String adapter,
                      String transport, InetSocketAddress source, String flow, List<String> path, String userAgent, int q,
                      Instant registered, Instant expires) {

    public Binding {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(contact, "contact");
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(registered, "registered");
        Objects.requireNonNull(expires, "expires");
        path = path == null ? List.of() : List.copyOf(path);
        userAgent = userAgent == null ? "" : userAgent;
        callId = callId == null ? "" : callId;
    }

    /** Seconds left before expiry at {@code now}, never negative. */
    public long secondsLeft(Instant now) {
        return Math.max(0, expires.getEpochSecond() - now.getEpochSecond());
    }

    /** True when both bindings are the same RFC 5626 device registration (instance and reg-id), so one replaces the other. */
    public boolean sameDevice(Binding other) {
        return instanceId != null && instanceId.equals(other.instanceId) && regId == other.regId;
    }

    public Binding withExpiry(Instant newExpires, String newCallId, long newCseq) {
        return new Binding(aor, contact, instanceId, regId, newCallId, newCseq, adapter, transport, source, flow, path,
                userAgent, q, registered, newExpires);
    }
}
