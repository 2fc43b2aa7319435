package org.patchbay.sip.internal.auth;

import javax.sip.header.Header;
import javax.sip.message.Message;

import gov.nist.javax.sip.header.SIPHeader;

/** The User-Agent header of a message as text. */
public final class UserAgents {

    private UserAgents() {
    }

    /** The header's value as sent (trimmed), or empty when there is none. */
    public static String of(Message message) {
        Header h = message.getHeader("User-Agent");
        if (h == null) {
            return "";
        }
        String value = h instanceof SIPHeader s ? s.getHeaderValue() : h.toString().replaceFirst("(?i)^User-Agent\\s*:", "");
        return value == null ? "" : value.strip();
    }
}
