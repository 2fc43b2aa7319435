package org.patchbay.shell.internal.command;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

import org.patchbay.api.location.Binding;

/** What {@code pb:regs} returns: the bindings, printed as a table ({@code (pb:regs) bindings} gives the list). */
public record RegTable(String filter, List<Binding> bindings, Instant now) {

    public RegTable {
        bindings = List.copyOf(bindings);
    }

    @Override
    public String toString() {
        if (bindings.isEmpty()) {
            return filter == null ? "no registrations" : "no registrations match '" + TextTable.oneLine(filter) + "'";
        }
        TextTable table = new TextTable("AOR", "CONTACT", "TRANSPORT", "SOURCE", "USER AGENT", "EXPIRES");
        for (Binding b : bindings) {
            table.row(b.aor(), b.contact(), b.transport(), source(b.source()), b.userAgent(), b.secondsLeft(now) + " s");
        }
        return table + "\n" + bindings.size() + (bindings.size() == 1 ? " registration" : " registrations");
    }

    private static String source(InetSocketAddress a) {
        if (a == null) {
            return "";
        }
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
