package org.patchbay.sip.internal.stack;

import java.util.Map;
import java.util.StringJoiner;

import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;

/** Check {@code sip}: healthy when every enabled transport listens; the detail lists them. */
final class SipHealthCheck implements HealthCheck {

    static final String NAME = "sip";

    private final SipSettings settings;
    private final SipStackRuntime runtime;
    private final String problem;

    SipHealthCheck(SipSettings settings, SipStackRuntime runtime, String problem) {
        this.settings = settings;
        this.runtime = runtime;
        this.problem = problem;
    }

    @Override
    public HealthResult check() {
        if (runtime == null || settings == null) {
            return HealthResult.down(NAME, problem == null ? "not started" : problem);
        }
        if (!runtime.running()) {
            return HealthResult.down(NAME, "stopped");
        }
        Map<String, Integer> ports = runtime.ports();
        StringJoiner detail = new StringJoiner(", ");
        StringJoiner missing = new StringJoiner(", ");
        check("udp", settings.udpEnabled(), settings.udpPort(), ports, detail, missing);
        check("tcp", settings.tcpEnabled(), settings.tcpPort(), ports, detail, missing);
        check("tls", settings.tlsEnabled(), settings.tlsPort(), ports, detail, missing);
        if (settings.ws().any()) {
            org.patchbay.sip.internal.ws.WsServer ws = runtime.webSockets();
            if (ws == null || !ws.running()) {
                missing.add("WebSocket " + settings.ws().listeners());
            } else {
                detail.add("WebSocket " + new java.util.TreeMap<>(ws.listeners()).keySet() + " (" + ws.connections("WS")
                        + " ws, " + ws.connections("WSS") + " wss connections)");
            }
        }
        if (missing.length() > 0) {
            return HealthResult.down(NAME, "not listening: " + missing);
        }
        return HealthResult.up(NAME, detail + " on " + settings.host() + " as " + runtime.advertisedHost());
    }

    private static void check(String transport, boolean enabled, int port, Map<String, Integer> ports,
            StringJoiner detail, StringJoiner missing) {
        if (!enabled) {
            return;
        }
        Integer actual = ports.get(transport);
        if (actual == null) {
            missing.add(transport.toUpperCase() + " " + port);
        } else {
            detail.add(transport.toUpperCase() + " " + actual);
        }
    }
}
