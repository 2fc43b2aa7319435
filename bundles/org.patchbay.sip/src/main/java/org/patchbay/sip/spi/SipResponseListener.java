package org.patchbay.sip.spi;

import javax.sip.ResponseEvent;
import javax.sip.TimeoutEvent;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Set as a client transaction's application data ({@code ClientTransaction.setApplicationData}) to receive its responses
 * and its timeout from the stack's single SipListener. Responses that match no transaction with such a listener are
 * dropped (logged at debug). Do not block.
 */
@ConsumerType
public interface SipResponseListener {

    void response(ResponseEvent event) throws Exception;

    /** The transaction timed out (no final response); the stack has already released it. */
    void timeout(TimeoutEvent event);
}
