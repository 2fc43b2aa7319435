package org.patchbay.shell.internal.command;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.patchbay.api.call.CallRecord;

/**
 * What {@code pb:cdr} returns: recent call records, newest first, then the total count. With {@code verbose}
 * ({@code pb:cdr -v}) each record is followed by one line per leg: outcome and the leg's final media statistics.
 */
public record CdrTable(List<CallRecord> records, long total, boolean verbose) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    public CdrTable {
        records = List.copyOf(records);
    }

    public CdrTable(List<CallRecord> records, long total) {
        this(records, total, false);
    }

    @Override
    public String toString() {
        if (records.isEmpty()) {
            return "no call records";
        }
        TextTable table = new TextTable("ID", "STARTED (UTC)", "CALLER", "CALLEE", "DURATION", "CODE", "REASON",
                "ENDED BY", "LEGS");
        for (CallRecord r : records) {
            table.row(r.id(), TIME.format(r.started()), r.caller(), r.callee(), duration(r), r.code(), r.endReason(),
                    r.endedBy(), r.legs().size());
        }
        String count = records.size() + " of " + total + (total == 1 ? " record" : " records");
        if (!verbose) {
            return table + "\n" + count;
        }
        StringBuilder sb = new StringBuilder();
        String[] rows = table.toString().split("\n");
        sb.append(rows[0]).append('\n');
        for (int i = 0; i < records.size(); i++) {
            sb.append(rows[i + 1]).append('\n');
            for (CallRecord.LegRecord l : records.get(i).legs()) {
                sb.append("  ").append(leg(l)).append('\n');
            }
        }
        return sb + count;
    }

    /** One leg of a record in one line: id, role, outcome, then its final media or "no media". */
    static String leg(CallRecord.LegRecord l) {
        CallRecord.LegMedia m = l.media();
        String head = "leg " + l.id() + " " + l.role() + " " + l.adapter() + " (" + l.outcome() + ")";
        if (m == null) {
            return head + ": no media";
        }
        return head + String.format(Locale.ROOT, ": %s%s; in %d pkt %d B lost %d jitter %.1f ms; out %d pkt %d B; "
                        + "rtt %s", m.codec().isEmpty() ? "codec ?" : m.codec(), m.srtp() ? " srtp" : "", m.packetsIn(),
                m.bytesIn(), m.lost(), m.jitterMs(), m.packetsOut(), m.bytesOut(),
                m.rttMs() < 0 ? "-" : String.format(Locale.ROOT, "%.1f ms", m.rttMs()));
    }

    private static String duration(CallRecord r) {
        long ms = r.duration().toMillis();
        return r.answered() == null ? "-" : String.format("%d.%03d s", ms / 1000, ms % 1000);
    }
}
