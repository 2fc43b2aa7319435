package org.patchbay.messaging.internal.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.patchbay.api.messaging.MessageStatus;

/**
 * The parts of a {@code message/cpim} body (RFC 3862) that IMDN (RFC 5438) needs: the message's IMDN Message-ID and
 * requested dispositions, or — when the content is {@code message/imdn+xml} — the notification it carries. Read with
 * patterns, never with an XML parser (no entity expansion from clients).
 *
 * @param imdnId        {@code imdn.Message-ID}, or null
 * @param dispositions  {@code imdn.Disposition-Notification} values (lower case), empty when none
 * @param contentType   the inner content type (lower case, without parameters), or empty
 * @param notification  when the content is an IMDN notification: the message it is about and what it reports
 */
record Cpim(String imdnId, List<String> dispositions, String contentType, Optional<Notification> notification) {

    /** An IMDN notification: {@code status} is DELIVERED or DISPLAYED (other dispositions are not tracked). */
    record Notification(String messageId, MessageStatus status) {
    }

    private static final String IMDN_NS = "urn:ietf:params:imdn";
    private static final Pattern NS = Pattern.compile("^NS:\\s*(\\S+)\\s*<([^>]+)>\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern MESSAGE_ID = Pattern.compile("<(?:\\w+:)?message-id>\\s*([^<\\s]+)\\s*</(?:\\w+:)?message-id>");
    private static final Pattern DELIVERED = Pattern.compile("<(?:\\w+:)?delivered\\s*/>");
    private static final Pattern DISPLAYED = Pattern.compile("<(?:\\w+:)?displayed\\s*/>");

    static boolean isCpim(String contentType) {
        return baseType(contentType).equals("message/cpim");
    }

    /** {@code text/plain;charset=UTF-8} → {@code text/plain}. */
    static String baseType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** Parses a CPIM body; a body that is not CPIM gives an empty result (no id, no notification). */
    static Cpim parse(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).replace("\r\n", "\n");
        String[] blocks = text.split("\n\n", 3);
        if (blocks.length < 2) {
            return new Cpim(null, List.of(), "", Optional.empty());
        }
        String prefix = "imdn";
        List<String[]> headers = new ArrayList<>();
        for (String line : blocks[0].split("\n")) {
            Matcher ns = NS.matcher(line.strip());
            if (ns.matches() && ns.group(2).equalsIgnoreCase(IMDN_NS)) {
                prefix = ns.group(1);
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {line.substring(0, colon).strip(), line.substring(colon + 1).strip()});
            }
        }
        String imdnId = null;
        List<String> dispositions = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(prefix + ".Message-ID")) {
                imdnId = h[1].isEmpty() ? null : h[1];
            } else if (h[0].equalsIgnoreCase(prefix + ".Disposition-Notification")) {
                for (String d : h[1].split(",")) {
                    if (!d.isBlank()) {
                        dispositions.add(d.strip().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        String inner = "";
        for (String line : blocks[1].split("\n")) {
            if (line.regionMatches(true, 0, "Content-Type:", 0, 13)) {
                inner = baseType(line.substring(13));
            }
        }
        Optional<Notification> notification = Optional.empty();
        if (inner.equals("message/imdn+xml") && blocks.length == 3) {
            notification = notification(blocks[2]);
        }
        return new Cpim(imdnId, dispositions, inner, notification);
    }

    private static Optional<Notification> notification(String xml) {
        Matcher id = MESSAGE_ID.matcher(xml);
        if (!id.find()) {
            return Optional.empty();
        }
        if (DISPLAYED.matcher(xml).find()) {
            return Optional.of(new Notification(id.group(1), MessageStatus.DISPLAYED));
        }
        if (DELIVERED.matcher(xml).find()) {
            return Optional.of(new Notification(id.group(1), MessageStatus.DELIVERED));
        }
        return Optional.empty();
    }
}
