package org.patchbay.sip.internal.stack;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPServerTransactionImpl;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * A server transaction that only takes requests with its method and Via sent-by (RFC 3261 17.2.3). The RI compares the
 * sent-by with its copy of the original request, which AGGRESSIVE_CLEANUP throws away after the final response; from then
 * on any request with the same branch counted as a retransmission.
 */
final class StrictServerTransaction extends SIPServerTransactionImpl {

    StrictServerTransaction(SIPTransactionStack stack, MessageChannel channel) {
        super(stack, channel);
    }

    @Override
    public boolean isMessagePartOfTransaction(SIPMessage message) {
        if (!super.isMessagePartOfTransaction(message)) {
            return false;
        }
        return !(message instanceof SIPRequest request) || getMethod() == null
                || RfcMatchingStack.matches(this, request);
    }
}
