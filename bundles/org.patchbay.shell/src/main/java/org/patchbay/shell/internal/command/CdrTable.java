package org.patchbay.shell.internal.command;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.patchbay.api.call.CallRecord;

/** What {@code pb:cdr} returns: recent call records, newest first, then the total count. */
public record CdrTable(List<CallRecord> records, long total) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    public CdrTable {
        records = List.copyOf(records);
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
        return table + "\n" + records.size() + " of " + total + (total == 1 ? " record" : " records");
    }

    private static String duration(CallRecord r) {
        long ms = r.duration().toMillis();
        return r.answered() == null ? "-" : String.format("%d.%03d s", ms / 1000, ms % 1000);
    }
}
