package org.patchbay.sip.internal.registrar;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.message.Request;

/**
 * Reads the Contact headers of a REGISTER (RFC 3261 §10.3 step 6, RFC 5626 §6): the wildcard rules, the expiry of each
 * contact (its {@code expires} parameter, else the Expires header, else the default; below the minimum is refused with
 * 423, above the maximum clamped) and the device identity.
 */
final class ContactRules {

    /** The outcome: either a refusal (code + reason + Min-Expires for 423) or the contacts to apply. */
    record Parsed(int code, String reason, boolean wildcard, List<RequestedContact> contacts, boolean outbound) {
        static Parsed refuse(int code, String reason) {
            return new Parsed(code, reason, false, List.of(), false);
        }

        boolean refused() {
            return code != 0;
        }
    }

    private ContactRules() {
    }

    static Parsed parse(Request request, RegistrarSettings settings, boolean outboundSupported) {
        List<ContactHeader> headers = new ArrayList<>();
        for (Iterator<?> it = request.getHeaders(ContactHeader.NAME); it.hasNext();) {
            headers.add((ContactHeader) it.next());
        }
        ExpiresHeader expiresHeader = (ExpiresHeader) request.getHeader(ExpiresHeader.NAME);
        if (headers.stream().anyMatch(ContactHeader::isWildCard)) {
            if (headers.size() != 1 || expiresHeader == null || expiresHeader.getExpires() != 0) {
                return Parsed.refuse(400, "Contact * only alone and with Expires: 0");
            }
            return new Parsed(0, null, true, List.of(), false);
        }
        List<RequestedContact> contacts = new ArrayList<>();
        Set<String> devices = new HashSet<>();
        boolean outbound = false;
        boolean tooBrief = false;
        for (ContactHeader h : headers) {
            if (!(h.getAddress().getURI() instanceof SipURI uri)) {
                return Parsed.refuse(400, "Contact must be a sip or sips URI");
            }
            int expires = h.getExpires() >= 0 ? h.getExpires()
                    : expiresHeader != null ? expiresHeader.getExpires() : settings.defaultExpires();
            if (expires > 0 && expires < settings.minExpires()) {
                tooBrief = true;
            }
            expires = Math.min(expires, settings.maxExpires());
            float qv = h.getQValue();
            int q = qv < 0 ? -1 : Math.round(qv * 1000);
            String instance = h.getParameter("+sip.instance");
            String regIdText = h.getParameter("reg-id");
            int regId = 0;
            if (instance != null && regIdText != null && outboundSupported) {
                try {
                    regId = Integer.parseInt(regIdText.strip());
                } catch (NumberFormatException e) {
                    return Parsed.refuse(400, "reg-id must be a number");
                }
                if (regId < 1) {
                    return Parsed.refuse(400, "reg-id must be at least 1");
                }
                if (!devices.add(instance + ";" + regId)) {
                    return Parsed.refuse(400, "one +sip.instance/reg-id twice in a REGISTER");
                }
                outbound = true;
            }
            contacts.add(new RequestedContact(uri.toString(), expires, q, instance, regId));
        }
        if (tooBrief) {
            return Parsed.refuse(423, "Interval Too Brief");
        }
        return new Parsed(0, null, false, contacts, outbound);
    }
}
