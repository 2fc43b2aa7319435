package org.patchbay.shell.internal.command;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.patchbay.api.call.CallInfo;
import org.patchbay.api.media.MediaStats;

/**
 * What {@code pb:calls} returns: the live calls as a table, then the live counts. With {@code media} (pb:calls -v,
 * call id → its legs' statistics) each call is followed by one line per leg endpoint.
 */
public record CallTable(List<CallInfo> calls, int liveCalls, int liveLegs, Instant now,
                        Map<String, List<MediaStats>> media) {

    public CallTable {
        calls = List.copyOf(calls);
        media = media == null ? null : Map.copyOf(media);
    }

    public CallTable(List<CallInfo> calls, int liveCalls, int liveLegs, Instant now) {
        this(calls, liveCalls, liveLegs, now, null);
    }

    @Override
    public String toString() {
        String counts = liveCalls + (liveCalls == 1 ? " live call, " : " live calls, ") + liveLegs
                + (liveLegs == 1 ? " live leg" : " live legs");
        if (calls.isEmpty()) {
            return "no live calls\n" + counts;
        }
        TextTable table = new TextTable("ID", "CALLER", "CALLEE", "STATE", "AGE", "LEGS");
        for (CallInfo c : calls) {
            String legs = c.legs().stream().map(l -> l.adapter() + ":" + l.state() + details(l))
                    .collect(Collectors.joining(", "));
            table.row(c.id(), c.caller().label(), c.callee().label(), c.state(), age(Duration.between(c.started(), now)),
                    legs);
        }
        if (media == null) {
            return table + "\n" + counts;
        }
        StringBuilder sb = new StringBuilder();
        String[] rows = table.toString().split("\n");
        sb.append(rows[0]).append('\n');
        for (int i = 0; i < calls.size(); i++) {
            sb.append(rows[i + 1]).append('\n');
            List<MediaStats> legs = media.getOrDefault(calls.get(i).id(), List.of());
            if (legs.isEmpty()) {
                sb.append("  media: not anchored\n");
            }
            legs.forEach(m -> sb.append("  ").append(media(m)).append('\n'));
        }
        return sb + counts;
    }

    /** One leg's media in one line: where, which way, then in / out / RTCP figures. */
    static String media(MediaStats m) {
        return String.format(Locale.ROOT, "media %s %s <-> %s %s%s; in %d pkt %d B lost %d jitter %.1f ms; "
                        + "out %d pkt %d B; rtcp lost %s jitter %s rtt %s; dropped %d",
                m.legId(), m.local(), m.remote().isEmpty() ? "?" : m.remote(), m.direction(),
                m.latched() ? " latched" : "", m.packetsIn(), m.bytesIn(), m.lostIn(), m.jitterInMs(), m.packetsOut(),
                m.bytesOut(), m.reportedLost() < 0 ? "-" : Long.toString(m.reportedLost()),
                m.reportedJitterMs() < 0 ? "-" : String.format(Locale.ROOT, "%.1f ms", m.reportedJitterMs()),
                m.rttMs() < 0 ? "-" : String.format(Locale.ROOT, "%.1f ms", m.rttMs()), m.droppedIn());
    }

    private static String details(CallInfo.LegInfo l) {
        String remote = l.details().get("remote");
        return remote == null || remote.isEmpty() ? "" : "@" + remote;
    }

    static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return s < 60 ? s + " s" : s < 3600 ? s / 60 + " min " + s % 60 + " s" : s / 3600 + " h " + s % 3600 / 60 + " min";
    }
}
