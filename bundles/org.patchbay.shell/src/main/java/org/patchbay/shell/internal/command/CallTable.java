package org.patchbay.shell.internal.command;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.patchbay.api.call.CallInfo;

/** What {@code pb:calls} returns: the live calls as a table, then the live counts. */
public record CallTable(List<CallInfo> calls, int liveCalls, int liveLegs, Instant now) {

    public CallTable {
        calls = List.copyOf(calls);
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
        return table + "\n" + counts;
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
