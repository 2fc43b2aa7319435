package org.patchbay.messaging.internal.shell;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import org.patchbay.api.messaging.Delivery;
import org.patchbay.api.messaging.DeliveryStatus;
import org.patchbay.api.messaging.Message;

/** What {@code pb:messages} and {@code pb:msgqueue} return: messages as a table, with the text cut to one short line. */
public record MessageTable(List<Message> messages, String empty) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int TEXT = 40;

    public MessageTable {
        messages = List.copyOf(messages);
    }

    @Override
    public String toString() {
        if (messages.isEmpty()) {
            return empty;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "TIME (UTC)", "FROM", "TO", "TYPE", "STATUS", "DEVICES", "TEXT"});
        for (Message m : messages) {
            long delivered = m.deliveries().stream().filter(d -> d.status() == DeliveryStatus.DELIVERED).count();
            rows.add(new String[] {Long.toString(m.id()), TIME.format(m.created()), m.from().toString(), m.to().toString(),
                oneLine(m.contentType()), m.status().name(), delivered + "/" + m.deliveries().size(), preview(m)});
        }
        return layout(rows) + "\n" + messages.size() + (messages.size() == 1 ? " message" : " messages");
    }

    /** One message with its deliveries ({@code pb:message}). */
    static String details(Message m) {
        StringBuilder sb = new StringBuilder();
        sb.append("message ").append(m.id()).append(": ").append(m.from()).append(" -> ").append(m.to()).append('\n');
        sb.append("created: ").append(TIME.format(m.created())).append(" UTC\n");
        sb.append("type: ").append(oneLine(m.contentType())).append(", ").append(m.size()).append(" bytes\n");
        sb.append("status: ").append(m.status()).append('\n');
        if (m.imdnId() != null) {
            sb.append("imdn: ").append(oneLine(m.imdnId())).append(" notify ").append(String.join(", ", m.dispositions())).append('\n');
        }
        if (m.deliveries().isEmpty()) {
            sb.append("deliveries: none yet\n");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"DEVICE", "ADAPTER", "STATUS", "ATTEMPTS", "CODE", "UPDATED (UTC)"});
            for (Delivery d : m.deliveries()) {
                rows.add(new String[] {oneLine(d.device()), d.adapter(), d.status().name(), Integer.toString(d.attempts()),
                    Integer.toString(d.code()), TIME.format(d.updated())});
            }
            sb.append(layout(rows)).append('\n');
        }
        sb.append("text: ").append(preview(m));
        return sb.toString();
    }

    private static String preview(Message m) {
        String t = oneLine(m.text());
        return t.length() > TEXT ? t.substring(0, TEXT) + "…" : t;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}+", " ").strip();
    }

    private static String layout(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format("%-" + widths[i] + "s  ", r[i]));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.substring(0, sb.length() - 1);
    }
}
