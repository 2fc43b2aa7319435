package org.patchbay.sip.spi;

import java.net.InetSocketAddress;
import java.util.Optional;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.osgi.annotation.versioning.ProviderType;
import org.patchbay.api.identity.Aor;

/** One received request, as given to a {@link SipRequestHandler}. */
@ProviderType
public interface SipExchange {

    RequestEvent event();

    Request request();

    /** The server transaction, created on first use (null for ACK, which has none). */
    ServerTransaction transaction();

    /** The node that received it: factories, providers, domain rules. */
    SipNode node();

    /** Transport the request came over, lower case: {@code udp}, {@code tcp}, {@code tls} (later {@code ws}, {@code wss}). */
    String transport();

    /** Where the packet came from (the real source, whatever Via says). */
    InetSocketAddress source();

    /** Opaque id of the connection it came over (tcp/tls), or null for udp. */
    String flow();

    /** A response to this request with the To tag filled in where needed. */
    Response createResponse(int code);

    /** Sends a response on the server transaction; failures are logged, never thrown. */
    void respond(Response response);

    /** {@code respond(createResponse(code))}. */
    void respond(int code);

    /**
     * Digest authentication (RFC 7616/8760) of this request: the authenticated user, or empty when the request carried no
     * valid credentials — then the challenge (401, or 407 when {@code proxy}) or a refusal has already been sent and the
     * handler must stop.
     */
    Optional<Aor> authenticate(boolean proxy);
}
