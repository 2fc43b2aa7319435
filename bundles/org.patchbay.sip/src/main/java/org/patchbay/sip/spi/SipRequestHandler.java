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

    void handle(SipExchange exchange) throws Exception;
}
