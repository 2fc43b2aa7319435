package org.patchbay.jainsip.parser;

import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * Stack property {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY=org.patchbay.jainsip.parser.StrictMessageParserFactory}:
 * a {@link StrictMessageParser} per caller (the RI asks once per channel or connection and uses it from one thread at a
 * time). Lives in this bundle because the stack loads it by name.
 */
public class StrictMessageParserFactory implements MessageParserFactory {

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return new StrictMessageParser();
    }
}
