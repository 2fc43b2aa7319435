package org.patchbay.sip.internal.auth;

import java.net.InetSocketAddress;
import java.util.Optional;
import javax.sip.message.Request;
import org.patchbay.api.identity.Aor;
import org.patchbay.sip.spi.SipExchange;

/** Bundle-internal service: digest authentication and the request gate (scanner drop, brute-force cool-down). */
public interface Authenticator {

    /** See {@link SipExchange#authenticate(boolean)}. */
    Optional<Aor> authenticate(SipExchange exchange, boolean proxy);

    /**
     * Called by the stack before any dispatch: false drops the request silently (a known scanner's User-Agent, a source in
     * its brute-force cool-down). Cheap; never blocks.
     */
    boolean admit(Request request, InetSocketAddress source);
}
