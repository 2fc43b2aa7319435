package org.patchbay.exotel.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * Exotel's response shapes: the call resource as {@code {"Call":{…}}} (the {@code .json} paths) or as
 * {@code <TwilioResponse><Call>…</Call></TwilioResponse>} (the default), and errors as {@code RestException}. Times are
 * {@code yyyy-MM-dd HH:mm:ss} in UTC.
 */
final class Render {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private Render() {
    }

    static String time(Instant t) {
        return t == null ? null : TIME.format(t);
    }

    /** The resource's fields in Exotel's order; absent ones are null. */
    static Map<String, Object> fields(CallResource c, String apiPath) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Sid", c.sid());
        m.put("ParentCallSid", null);
        m.put("DateCreated", time(c.dateCreated()));
        m.put("DateUpdated", time(c.dateUpdated()));
        m.put("AccountSid", c.accountSid());
        m.put("To", c.to());
        m.put("From", c.from());
        m.put("PhoneNumberSid", c.callerId());
        m.put("Status", c.status());
        m.put("StartTime", time(c.dateCreated()));
        m.put("EndTime", time(c.endTime()));
        m.put("Duration", c.duration());
        m.put("Price", null);
        m.put("Direction", "outbound-api");
        m.put("AnsweredBy", null);
        m.put("ForwardedFrom", null);
        m.put("CallerName", null);
        m.put("Uri", apiPath + "/Accounts/" + c.accountSid() + "/Calls/" + c.sid());
        m.put("RecordingUrl", null);
        return m;
    }

    static String json(CallResource c, String apiPath) {
        Map<String, Object> fields = fields(c, apiPath);
        fields.put("Uri", fields.get("Uri") + ".json");
        return GSON.toJson(Map.of("Call", fields));
    }

    static String xml(CallResource c, String apiPath) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TwilioResponse>\n <Call>\n");
        for (Map.Entry<String, Object> e : fields(c, apiPath).entrySet()) {
            element(sb, "  ", e.getKey(), e.getValue());
        }
        return sb.append(" </Call>\n</TwilioResponse>\n").toString();
    }

    static String error(int status, String message, boolean json) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Status", status);
            m.put("Message", message);
            return GSON.toJson(Map.of("RestException", m));
        }
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TwilioResponse>\n"
                + " <RestException>\n");
        element(sb, "  ", "Status", status);
        element(sb, "  ", "Message", message);
        return sb.append(" </RestException>\n</TwilioResponse>\n").toString();
    }

    private static void element(StringBuilder sb, String indent, String name, Object value) {
        sb.append(indent).append('<').append(name);
        if (value == null) {
            sb.append("/>\n");
        } else {
            sb.append('>').append(escape(value.toString())).append("</").append(name).append(">\n");
        }
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' ? '?' : ch);
            }
        }
        return sb.toString();
    }
}
