package org.patchbay.sip.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: handles requests of the methods named in service property {@link #METHODS}. The stack bundle owns the single
 * SipListener and dispatches to the handler with the highest service ranking for the request's method. Requests inside a
 * dialog whose application data is a {@code SipRequestHandler} go to that handler first (a dialog belongs to whoever
 * created it). A method nobody handles gets 405 with an Allow header listing the handled methods.
 *
 * <p>Called on a stack thread, possibly several at once: do not block.
 */
@ConsumerType
public interface SipRequestHandler {

    /** Service property: the methods handled, e.g. {@code MESSAGE} or {@code {SUBSCRIBE, PUBLISH}}. */
    String METHODS = "pb.sip.methods";

    /**
     * Optional service property: the body types the handler reads, e.g. {@code application/sdp} (a type may end in
     * {@code /*}). When set, the stack answers a request with a body of another type 415 with an Accept header listing
     * these, before the handler sees it (RFC 3261 8.2.3). Requests without a body always pass.
     */
    String ACCEPT = "pb.sip.accept";

    /**
     * Optional service property: the option tags the handler supports (RFC 3261 8.2.2.3), e.g. {@code {path, outbound}}.
     * A request whose Require names any other tag gets 420 with an Unsupported header before the handler sees it.
     */
    String SUPPORTED = "pb.sip.supported";

    void handle(SipExchange exchange) throws Exception;
}
