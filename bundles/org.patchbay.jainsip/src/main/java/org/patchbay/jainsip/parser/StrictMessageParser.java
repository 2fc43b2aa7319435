package org.patchbay.jainsip.parser;

import java.text.ParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;

/**
 * The RI's parser, plus the two things it silently gets wrong: it reads any SIP version as 2.0 (RFC 4475 3.1.2.16 wants
 * 505), and it keeps the first of two copies of a header that must appear once (To, From, Call-ID, CSeq, Max-Forwards,
 * Content-Length, Content-Type; RFC 4475 3.3.8, 3.3.9 want 400). It also lets a request without Call-ID, From or To through
 * (see {@link #patchMissing}). Neither is refused here: the message gets an
 * unparsed header {@value #MARKER} naming the problem, and the application decides (the stack answers 505 or 400).
 */
public class StrictMessageParser extends StringMsgParser {

    /** Name of the unparsed header that marks a problem; its value starts with {@code version} or {@code repeated}. */
    public static final String MARKER = "Patchbay-Malformed";

    private static final Map<String, String> SINGLE = Map.ofEntries(
            Map.entry("to", "to"), Map.entry("t", "to"),
            Map.entry("from", "from"), Map.entry("f", "from"),
            Map.entry("call-id", "call-id"), Map.entry("i", "call-id"),
            Map.entry("cseq", "cseq"),
            Map.entry("max-forwards", "max-forwards"),
            Map.entry("content-length", "content-length"), Map.entry("l", "content-length"),
            Map.entry("content-type", "content-type"), Map.entry("c", "content-type"));

    /** Single headers seen in the message being parsed; a parser instance is used by one thread at a time. */
    private final ThreadLocal<Set<String>> seen = ThreadLocal.withInitial(HashSet::new);

    @Override
    public SIPMessage parseSIPMessage(byte[] msgBuffer, boolean readBody, boolean strict, ParseExceptionListener listener)
            throws ParseException {
        seen.get().clear();
        try {
            SIPMessage message = super.parseSIPMessage(msgBuffer, readBody, strict, listener);
            if (message instanceof SIPRequest request) {
                patchMissing(request);
            }
            return message;
        } finally {
            seen.get().clear();
        }
    }

    /**
     * A request without Call-ID, From or To is dropped by the RI without a word (RFC 4475 3.3.1 would like 400). When it
     * has what a client matches a response with (Via branch and CSeq), placeholders are filled in and the request marked,
     * so the application can answer 400; the placeholders never reach a handler.
     */
    private static void patchMissing(SIPRequest request) {
        if (request.getTopmostVia() == null || request.getCSeq() == null) {
            return;
        }
        StringBuilder missing = new StringBuilder();
        try {
            if (request.getCallId() == null) {
                request.setHeader(parseSIPHeader("Call-ID: missing-" + UUID.randomUUID() + "\n"));
                missing.append(" Call-ID");
            }
            if (request.getFrom() == null) {
                request.setHeader(parseSIPHeader("From: <sip:missing.invalid>;tag=missing\n"));
                missing.append(" From");
            }
            if (request.getTo() == null) {
                request.setHeader(parseSIPHeader("To: <sip:missing.invalid>\n"));
                missing.append(" To");
            }
        } catch (ParseException e) {
            return;
        }
        if (missing.length() > 0) {
            request.addUnparsed(MARKER + ": missing" + missing);
        }
    }

    @Override
    protected SIPMessage processFirstLine(String firstLine, ParseExceptionListener listener, byte[] raw)
            throws ParseException {
        SIPMessage message = super.processFirstLine(firstLine, listener, raw);
        String line = firstLine.strip();
        if (message != null && !line.regionMatches(true, 0, "SIP/", 0, 4)) {
            int sp = line.lastIndexOf(' ');
            String version = sp < 0 ? line : line.substring(sp + 1);
            if (!version.equalsIgnoreCase("SIP/2.0")) {
                message.addUnparsed(MARKER + ": version " + printable(version));
            }
        }
        return message;
    }

    @Override
    protected void processHeader(String header, SIPMessage message, ParseExceptionListener listener, byte[] raw)
            throws ParseException {
        if (header != null && message != null) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                String name = SINGLE.get(header.substring(0, colon).strip().toLowerCase(Locale.ROOT));
                if (name != null && !seen.get().add(name)) {
                    message.addUnparsed(MARKER + ": repeated " + name);
                    return;
                }
            }
        }
        super.processHeader(header, message, listener, raw);
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) : s;
        return cut.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
