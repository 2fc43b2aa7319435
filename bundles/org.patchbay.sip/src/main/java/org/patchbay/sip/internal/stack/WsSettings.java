package org.patchbay.sip.internal.stack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.patchbay.sip.internal.stack.SipSettings.InvalidSettingException;

/**
 * SIP over WebSocket (RFC 7118) settings of PID {@value SipSettings#PID}: the ws and wss listeners, the paths they
 * accept, vendor listeners on other ports, and the connection limits.
 *
 * @param listeners   every listener (main ws, main wss, extras), each port once
 * @param idleSeconds a connection silent this long is closed (pings and CRLF keep-alives count)
 * @param maxFrame    largest frame (= SIP message) accepted; a bigger one closes the connection with 1009
 * @param pingSeconds WebSocket ping to every connection this often; 0 = never
 * @param graceSeconds how long a call on a dropped connection waits for the device to come back (RFC 5626 flow recovery)
 * @param origins     allowed {@code Origin} header values; empty = any
 */
public record WsSettings(boolean wsEnabled, int wsPort, boolean wssEnabled, int wssPort, List<String> paths,
        List<Listener> listeners, int idleSeconds, int maxFrame, int pingSeconds, int graceSeconds,
        List<String> origins) {

    static final String WS_ENABLED = "ws.enabled";
    static final String WS_PORT = "ws.port";
    static final String WSS_ENABLED = "wss.enabled";
    static final String WSS_PORT = "wss.port";
    static final String WS_PATHS = "ws.paths";
    static final String WS_LISTENERS = "ws.listeners";
    static final String WS_IDLE_TIMEOUT = "ws.idle.timeout";
    static final String WS_MAX_FRAME_SIZE = "ws.max.frame.size";
    static final String WS_PING_INTERVAL = "ws.ping.interval";
    static final String WS_FLOW_GRACE = "ws.flow.grace";
    static final String WS_ORIGINS = "ws.origins";

    static final int DEFAULT_WS_PORT = 8088;
    static final int DEFAULT_WSS_PORT = 8089;
    static final String DEFAULT_PATH = "/ws";

    private static final Pattern LISTENER = Pattern.compile("(\\d{1,5})(/[A-Za-z0-9._~/-]*)?(;tls)?");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/-]*");

    /** One WebSocket port with the paths it upgrades; {@code tls}: wss. */
    public record Listener(int port, List<String> paths, boolean tls) {
        public Listener {
            paths = List.copyOf(paths);
        }

        public String transport() {
            return tls ? "wss" : "ws";
        }

        @Override
        public String toString() {
            return transport() + " " + port + String.join(",", paths);
        }
    }

    public WsSettings {
        paths = List.copyOf(paths);
        listeners = List.copyOf(listeners);
        origins = List.copyOf(origins);
    }

    public boolean any() {
        return !listeners.isEmpty();
    }

    public boolean tlsNeeded() {
        return listeners.stream().anyMatch(Listener::tls);
    }

    static WsSettings parse(Map<String, ?> config, int sipTcpPort, int sipTlsPort) throws InvalidSettingException {
        boolean ws = SipSettings.bool(config, WS_ENABLED, true);
        int wsPort = SipSettings.port(config, WS_PORT, DEFAULT_WS_PORT);
        boolean wss = SipSettings.bool(config, WSS_ENABLED, true);
        int wssPort = SipSettings.port(config, WSS_PORT, DEFAULT_WSS_PORT);
        List<String> paths = new ArrayList<>();
        for (String p : SipSettings.list(config.get(WS_PATHS))) {
            if (!PATH.matcher(p).matches()) {
                throw new InvalidSettingException(WS_PATHS, "'" + SipSettings.printable(p) + "' is not a path like /ws");
            }
            paths.add(p);
        }
        if (paths.isEmpty()) {
            paths.add(DEFAULT_PATH);
        }
        Map<Integer, Listener> byPort = new LinkedHashMap<>();
        if (ws) {
            byPort.put(wsPort, new Listener(wsPort, paths, false));
        }
        if (wss) {
            if (byPort.containsKey(wssPort)) {
                throw new InvalidSettingException(WSS_PORT, wssPort + " is also the ws port; choose another");
            }
            byPort.put(wssPort, new Listener(wssPort, paths, true));
        }
        for (String l : SipSettings.list(config.get(WS_LISTENERS))) {
            Matcher m = LISTENER.matcher(l);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535) {
                throw new InvalidSettingException(WS_LISTENERS, "'" + SipSettings.printable(l)
                        + "' is not port[/path][;tls], e.g. 8090/sip;tls");
            }
            int port = Integer.parseInt(m.group(1));
            String path = m.group(2) == null ? DEFAULT_PATH : m.group(2);
            boolean tls = m.group(3) != null;
            Listener old = byPort.get(port);
            if (old != null && old.tls() != tls) {
                throw new InvalidSettingException(WS_LISTENERS, "port " + port + " cannot be both ws and wss");
            }
            List<String> p = new ArrayList<>(old == null ? List.of() : old.paths());
            if (!p.contains(path)) {
                p.add(path);
            }
            byPort.put(port, new Listener(port, p, tls));
        }
        for (int port : byPort.keySet()) {
            if (port == sipTcpPort || port == sipTlsPort) {
                throw new InvalidSettingException(WS_LISTENERS, "port " + port + " is also a SIP TCP/TLS port");
            }
        }
        int idle = SipSettings.integer(config, WS_IDLE_TIMEOUT, 300, 10, 86400);
        int maxFrame = SipSettings.integer(config, WS_MAX_FRAME_SIZE, 65536, 1024, 1 << 20);
        int ping = SipSettings.integer(config, WS_PING_INTERVAL, 30, 0, 3600);
        int grace = SipSettings.integer(config, WS_FLOW_GRACE, 30, 0, 3600);
        List<String> origins = SipSettings.list(config.get(WS_ORIGINS));
        return new WsSettings(ws, wsPort, wss, wssPort, paths, new ArrayList<>(byPort.values()), idle, maxFrame, ping,
                grace, origins);
    }

    @Override
    public String toString() {
        return "ws=" + listeners + ", idle=" + idleSeconds + "s, maxFrame=" + maxFrame + ", ping=" + pingSeconds
                + "s, grace=" + graceSeconds + "s" + (origins.isEmpty() ? "" : ", origins=" + origins);
    }
}
