package org.patchbay.sip.internal.call;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ListIterator;

import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RouteHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;

import org.patchbay.sip.internal.stack.BindingRoutes;
import org.patchbay.sip.spi.SipNode;

/** Small builders and readers shared by the SIP legs. */
final class SipMessages {
    static final String ALLOW = "INVITE, ACK, CANCEL, BYE, UPDATE, INFO, PRACK, OPTIONS";

    private SipMessages() {
    }

    /** The SDP body of a message, or null. */
    static String sdp(Message m) {
        byte[] raw = m.getRawContent();
        if (raw == null || raw.length == 0) {
            return null;
        }
        ContentTypeHeader ct = (ContentTypeHeader) m.getHeader(ContentTypeHeader.NAME);
        if (ct != null && !("application".equalsIgnoreCase(ct.getContentType())
                && "sdp".equalsIgnoreCase(ct.getContentSubType()))) {
            return null;
        }
        return new String(raw, StandardCharsets.UTF_8);
    }

    static void setSdp(SipNode node, Message m, String sdp) throws ParseException {
        if (sdp != null) {
            m.setContent(sdp, node.headerFactory().createContentTypeHeader("application", "sdp"));
        }
    }

    static void setBody(SipNode node, Message m, String contentType, byte[] body) throws ParseException {
        if (body == null || body.length == 0) {
            return;
        }
        String type = contentType == null || !contentType.contains("/") ? "application/octet-stream" : contentType;
        String[] parts = type.split("/", 2);
        String sub = parts[1];
        ContentTypeHeader ct = node.headerFactory().createContentTypeHeader(parts[0].strip(), sub.split(";", 2)[0].strip());
        m.setContent(body, ct);
    }

    static String contentType(Message m) {
        ContentTypeHeader ct = (ContentTypeHeader) m.getHeader(ContentTypeHeader.NAME);
        return ct == null ? null : ct.getContentType() + "/" + ct.getContentSubType();
    }

    static ContactHeader contact(SipNode node, String transport) {
        SipURI uri = node.localUri(transport);
        Address a = node.addressFactory().createAddress(uri);
        return node.headerFactory().createContactHeader(a);
    }

    static void addAllow(SipNode node, Message m) throws ParseException {
        for (String method : ALLOW.split(", ")) {
            m.addHeader(node.headerFactory().createAllowHeader(method));
        }
    }

    /** {@code Reason: SIP;cause=200;text="Call completed elsewhere"} (RFC 3326). */
    static Header reason(SipNode node, int cause, String text) throws ParseException, javax.sip.InvalidArgumentException {
        return node.headerFactory().createReasonHeader("SIP", cause, text == null ? "" : text);
    }

    /** See {@link BindingRoutes#routeToSource}. */
    static RouteHeader routeToSource(SipNode node, URI contact, InetSocketAddress source, String transport)
            throws ParseException {
        return BindingRoutes.routeToSource(node, contact, source, transport);
    }

    /** True when one of the request's Vias carries this node's branch marker: the request came back to us. */
    static boolean looped(Request request, String marker) {
        ListIterator<?> vias = request.getHeaders(ViaHeader.NAME);
        while (vias.hasNext()) {
            ViaHeader via = (ViaHeader) vias.next();
            String branch = via.getBranch();
            if (branch != null && branch.startsWith(marker)) {
                return true;
            }
        }
        return false;
    }

    static HeaderFactory headers(SipNode node) {
        return node.headerFactory();
    }
}
