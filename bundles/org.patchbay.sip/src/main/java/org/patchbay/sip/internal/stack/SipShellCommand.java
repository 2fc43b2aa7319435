package org.patchbay.sip.internal.stack;

import java.util.Map;
import java.util.StringJoiner;

import org.patchbay.sip.spi.SipNode;

/**
 * Gogo command {@code pb:sip}: transports and ports, advertised host, domain, live jain-sip state and counters. Registered
 * by {@link SipStackComponent} with the {@code osgi.command.*} service properties, so Gogo finds it without this bundle
 * depending on the shell.
 */
public final class SipShellCommand {

    private final SipStackComponent owner;

    SipShellCommand(SipStackComponent owner) {
        this.owner = owner;
    }

    /** {@code pb:sip}: one line per fact. */
    public String sip() {
        SipStackRuntime rt = owner.runtime();
        StringBuilder sb = new StringBuilder();
        if (rt == null || !rt.running()) {
            sb.append("SIP stack: not running (").append(owner.problem()).append(")\n");
            return sb.toString();
        }
        SipSettings s = rt.settings();
        sb.append("SIP stack: running\n");
        StringJoiner t = new StringJoiner(", ");
        for (Map.Entry<String, Integer> e : rt.ports().entrySet()) {
            t.add(e.getKey().toUpperCase() + " " + s.host() + ":" + e.getValue());
        }
        sb.append("transports: ").append(t).append('\n');
        sb.append("advertised: ").append(rt.advertisedHost()).append('\n');
        org.patchbay.sip.internal.ws.WsServer ws = rt.webSockets();
        if (ws != null) {
            StringJoiner l = new StringJoiner(", ");
            new java.util.TreeMap<>(ws.listeners()).forEach((port, listener) -> l.add(listener.transport() + " " + port
                    + " " + String.join(",", listener.paths())));
            sb.append("websocket listeners: ").append(l).append('\n');
            sb.append("websocket connections: ws ").append(ws.connections("WS")).append(", wss ")
                    .append(ws.connections("WSS")).append(", recovering ").append(ws.recovering()).append('\n');
        }
        sb.append("domain: ").append(s.domain()).append(s.aliases().isEmpty() ? "" : " (aliases " + String.join(", ",
                s.aliases()) + ")").append('\n');
        SipNode.StackCounts c = rt.counts();
        sb.append("dialogs: ").append(c.dialogs()).append('\n');
        sb.append("server transactions: ").append(c.serverTransactions()).append('\n');
        sb.append("client transactions: ").append(c.clientTransactions()).append('\n');
        sb.append("handled methods: ").append(String.join(", ", owner.handlers().methods())).append('\n');
        sb.append("counters: ").append(rt.stats()).append('\n');
        return sb.toString();
    }
}
