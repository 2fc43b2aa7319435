package org.patchbay.sip.internal.stack;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RequireHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.message.SIPMessage;

/**
 * Checks on a parsed request that the RI's parser lets through, in the order of RFC 3261 8.2: first what makes the
 * request malformed (400, 505), then, once its method is known to be handled, the Request-URI scheme (416), required
 * extensions (420) and the body type (415). Each rejection names what was wrong in one line.
 */
final class RequestChecks {

    /** Why a request is refused, and the response to send. */
    record Rejection(int code, String reason, List<String> unsupported, Set<String> accept) {
        Rejection(int code, String reason) {
            this(code, reason, List.of(), Set.of());
        }

        Response response(Exchange ex, HeaderFactory headers) {
            Response r = ex.createResponse(code);
            try {
                for (String tag : unsupported) {
                    r.addHeader(headers.createUnsupportedHeader(tag));
                }
                for (String type : accept) {
                    int slash = type.indexOf('/');
                    if (slash > 0) {
                        r.addHeader(headers.createAcceptHeader(type.substring(0, slash), type.substring(slash + 1)));
                    }
                }
                if (code == Response.BAD_REQUEST || code == Response.VERSION_NOT_SUPPORTED) {
                    r.setReasonPhrase(code == Response.BAD_REQUEST ? "Bad Request (" + reason + ")" : r.getReasonPhrase());
                }
            } catch (Exception e) {
                // the bare code still tells the client enough
            }
            return r;
        }
    }

    /** Headers that must appear once: a second copy (or one the parser could not read) makes the request malformed. */
    private static final Set<String> SINGLE = Set.of("to", "t", "from", "f", "call-id", "i", "cseq", "max-forwards",
            "content-length", "l", "content-type", "c");

    private RequestChecks() {
    }

    /** Unparsed header the stack's parser (org.patchbay.jainsip.parser.StrictMessageParser) adds to mark a problem. */
    static final String MARKER = "patchbay-malformed";

    /** 400 or 505 when the request is malformed in a way the parser accepted; null when it is well formed. */
    static Rejection malformed(Request request) {
        if (request instanceof SIPMessage m) {
            Iterator<String> unparsed = m.getUnrecognizedHeaders();
            while (unparsed != null && unparsed.hasNext()) {
                String line = unparsed.next();
                if (line.regionMatches(true, 0, MARKER, 0, MARKER.length())) {
                    String problem = line.substring(line.indexOf(':') + 1).strip();
                    return new Rejection(problem.startsWith("version") ? Response.VERSION_NOT_SUPPORTED
                            : Response.BAD_REQUEST, problem);
                }
            }
        }
        if (request.getHeader(CallIdHeader.NAME) == null) {
            return new Rejection(Response.BAD_REQUEST, "no Call-ID");
        }
        if (request.getHeader(FromHeader.NAME) == null) {
            return new Rejection(Response.BAD_REQUEST, "no From");
        }
        if (request.getHeader(ToHeader.NAME) == null) {
            return new Rejection(Response.BAD_REQUEST, "no To");
        }
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        if (cseq == null) {
            return new Rejection(Response.BAD_REQUEST, "no CSeq");
        }
        if (request.getHeader(ViaHeader.NAME) == null) {
            return new Rejection(Response.BAD_REQUEST, "no Via");
        }
        if (!request.getMethod().equals(cseq.getMethod())) {
            return new Rejection(Response.BAD_REQUEST, "CSeq method " + SipSettings.printable(cseq.getMethod())
                    + " is not the request method");
        }
        if (request instanceof SIPMessage m) {
            Iterator<String> unparsed = m.getUnrecognizedHeaders();
            while (unparsed != null && unparsed.hasNext()) {
                String line = unparsed.next();
                int colon = line.indexOf(':');
                String name = (colon > 0 ? line.substring(0, colon) : line).strip().toLowerCase(Locale.ROOT);
                if (SINGLE.contains(name)) {
                    return new Rejection(Response.BAD_REQUEST, "repeated or malformed " + SipSettings.printable(name));
                }
            }
        }
        URI ruri = request.getRequestURI();
        if (ruri instanceof SipURI sip && sip.getHeaderNames() != null && sip.getHeaderNames().hasNext()) {
            return new Rejection(Response.BAD_REQUEST, "headers in the Request-URI");
        }
        return null;
    }

    /**
     * 416, 420, 415 or 400 for a request whose method is handled (by {@code entry}, or by the stack itself when null);
     * null when it may be dispatched.
     */
    static Rejection unacceptable(Request request, HandlerRegistry.Entry entry) {
        String method = request.getMethod();
        if (Request.ACK.equals(method) || Request.CANCEL.equals(method)) {
            return null;
        }
        String scheme = request.getRequestURI().getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("sip") && !scheme.equals("sips") && !scheme.equals("tel")) {
            return new Rejection(Response.UNSUPPORTED_URI_SCHEME, "Request-URI scheme " + SipSettings.printable(scheme));
        }
        List<String> unsupported = new ArrayList<>();
        Set<String> supported = entry == null ? Set.of() : entry.supported();
        for (Iterator<?> it = request.getHeaders(RequireHeader.NAME); it.hasNext();) {
            String tag = ((RequireHeader) it.next()).getOptionTag();
            if (tag != null && !supported.contains(tag.toLowerCase(Locale.ROOT))) {
                unsupported.add(tag);
            }
        }
        if (!unsupported.isEmpty()) {
            return new Rejection(Response.BAD_EXTENSION, "Require " + String.join(",", unsupported), unsupported,
                    Set.of());
        }
        if (Request.REGISTER.equals(method)) {
            String to = ((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI().getScheme();
            if (!to.equalsIgnoreCase("sip") && !to.equalsIgnoreCase("sips")) {
                return new Rejection(Response.BAD_REQUEST, "REGISTER To is not a SIP URI");
            }
        }
        if (entry != null && !entry.accept().isEmpty() && hasBody(request)) {
            ContentTypeHeader ct = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
            String type = ct == null ? "" : (ct.getContentType() + "/" + ct.getContentSubType()).toLowerCase(Locale.ROOT);
            if (!accepts(entry.accept(), type)) {
                return new Rejection(Response.UNSUPPORTED_MEDIA_TYPE,
                        "body type " + (type.isEmpty() ? "missing" : SipSettings.printable(type)), List.of(),
                        entry.accept());
            }
        }
        return null;
    }

    static boolean accepts(Set<String> accept, String type) {
        if (type.isEmpty()) {
            return false;
        }
        for (String a : accept) {
            if (a.equals(type) || a.equals("*/*")
                    || a.endsWith("/*") && type.startsWith(a.substring(0, a.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasBody(Request request) {
        byte[] raw = request.getRawContent();
        return raw != null && raw.length > 0;
    }
}
