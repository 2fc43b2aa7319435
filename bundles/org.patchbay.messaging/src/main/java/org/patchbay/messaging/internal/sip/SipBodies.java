package org.patchbay.messaging.internal.sip;

import java.text.ParseException;
import java.util.Iterator;

import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;

/** Content-Type between jain-sip headers and the API's plain {@code type/subtype;param=value} strings. */
final class SipBodies {

    private SipBodies() {
    }

    static String contentType(ContentTypeHeader h) {
        StringBuilder sb = new StringBuilder(h.getContentType()).append('/').append(h.getContentSubType());
        for (Iterator<?> it = h.getParameterNames(); it.hasNext();) {
            String name = it.next().toString();
            String value = h.getParameter(name);
            sb.append(';').append(name);
            if (value != null && !value.isEmpty()) {
                sb.append('=').append(value);
            }
        }
        return sb.toString();
    }

    static ContentTypeHeader header(HeaderFactory hf, String contentType) throws ParseException {
        String[] parts = contentType.split(";");
        String[] type = parts[0].strip().split("/", 2);
        if (type.length != 2) {
            throw new ParseException("content type without subtype: " + contentType, 0);
        }
        ContentTypeHeader h = hf.createContentTypeHeader(type[0], type[1]);
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].strip().split("=", 2);
            if (!kv[0].isEmpty()) {
                h.setParameter(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return h;
    }
}
