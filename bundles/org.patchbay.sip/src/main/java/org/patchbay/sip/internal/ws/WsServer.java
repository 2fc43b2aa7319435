package org.patchbay.sip.internal.ws;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.patchbay.sip.internal.stack.WsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket listeners of the SIP stack (RFC 7118) on Jetty, and the registry of live connections the
 * {@link WsMessageProcessor}s send through. An upgrade needs subprotocol {@code sip} (else HTTP 400 with the reason), one
 * of the listener's paths (else 404) and, when configured, an allowed Origin (else 403). A closed connection's bindings
 * go at once; its dialogs wait {@code graceSeconds} for the device to reconnect (same {@code .invalid} host or
 * {@code +sip.instance} on a new connection: requests for the old one then use the new one) before they count as lost.
 */
public final class WsServer {
    private static final Logger LOG = LoggerFactory.getLogger(WsServer.class);

    /** Keystore of the wss listeners. */
    public record Tls(String path, String password, String type) {
        @Override
        public String toString() {
            return "Tls[" + path + ", " + type + "]";
        }
    }

    private final WsSettings settings;
    private final String host;
    private final Tls tls;
    private final FlowListener listener;
    private final Map<String, WsMessageProcessor> processors = new ConcurrentHashMap<>();
    /** live connections by peer {@code ip:port} */
    private final Map<String, WsChannel> channels = new ConcurrentHashMap<>();
    /** a device's {@code .invalid} host → its most recent connection */
    private final Map<String, WsChannel> hosts = new ConcurrentHashMap<>();
    /** {@code +sip.instance} → most recent connection */
    private final Map<String, WsChannel> instances = new ConcurrentHashMap<>();
    /** peer {@code ip:port} of a closed connection → the connection that recovered it */
    private final Map<String, WsChannel> successors = new ConcurrentHashMap<>();
    /** closed connections in their grace period */
    private final Map<WsChannel, ScheduledFuture<?>> closing = new ConcurrentHashMap<>();
    private final Map<Integer, WsSettings.Listener> byPort = new ConcurrentHashMap<>();
    private Server server;
    private ScheduledExecutorService timer;

    public WsServer(WsSettings settings, String host, Tls tls, FlowListener listener) {
        this.settings = settings;
        this.host = host;
        this.tls = tls;
        this.listener = listener;
    }

    /** Binds every listener; returns transport → bound port of the main ws and wss listeners (the first of each). */
    public synchronized Map<String, Integer> start() throws Exception {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pb-sip-ws-timer");
            t.setDaemon(true);
            return t;
        });
        // a steady thread count (the hot-swap test compares it): no reserved threads, one acceptor and one selector
        // per listener, the scheduler's thread started now rather than on first use
        QueuedThreadPool pool = new QueuedThreadPool(32, 2);
        pool.setReservedThreads(0);
        pool.setName("pb-sip-ws");
        // at node shutdown the stack stops on a daemon thread without waiting: Jetty's threads must not hold the JVM
        pool.setDaemon(true);
        Server s = new Server(pool, new ScheduledExecutorScheduler("pb-sip-ws-scheduler", true), null);
        List<String> paths = new ArrayList<>();
        Map<ServerConnector, WsSettings.Listener> pending = new LinkedHashMap<>();
        for (WsSettings.Listener l : settings.listeners()) {
            ServerConnector c;
            if (l.tls()) {
                if (tls == null) {
                    throw new IllegalStateException("wss listener " + l.port() + " needs a keystore");
                }
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStorePath(tls.path());
                ssl.setKeyStorePassword(tls.password());
                ssl.setKeyManagerPassword(tls.password());
                ssl.setKeyStoreType(tls.type());
                c = new ServerConnector(s, 1, 1, ssl);
            } else {
                c = new ServerConnector(s, 1, 1);
            }
            c.setHost(host);
            c.setPort(l.port());
            c.setIdleTimeout(settings.idleSeconds() * 1000L);
            s.addConnector(c);
            pending.put(c, l);
            l.paths().stream().filter(p -> !paths.contains(p)).forEach(paths::add);
        }
        s.setHandler(WebSocketUpgradeHandler.from(s, container -> {
            container.setIdleTimeout(Duration.ofSeconds(settings.idleSeconds()));
            container.setMaxTextMessageSize(settings.maxFrame());
            container.setMaxBinaryMessageSize(settings.maxFrame());
            for (String p : paths) {
                container.addMapping(p, this::upgrade);
            }
        }));
        Thread current = Thread.currentThread();
        ClassLoader before = current.getContextClassLoader();
        try {
            // Jetty looks up its WebSocket extensions with the context class loader: give it the one that has them
            current.setContextClassLoader(Server.class.getClassLoader());
            s.start();
        } catch (Exception e) {
            s.stop();
            timer.shutdownNow();
            throw e;
        } finally {
            current.setContextClassLoader(before);
        }
        s.getScheduler().schedule(() -> { }, 0, TimeUnit.MILLISECONDS);
        server = s;
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Map.Entry<ServerConnector, WsSettings.Listener> e : pending.entrySet()) {
            WsSettings.Listener l = e.getValue();
            int actual = e.getKey().getLocalPort();
            byPort.put(actual, l);
            ports.putIfAbsent(l.transport(), actual);
        }
        if (settings.pingSeconds() > 0) {
            timer.scheduleAtFixedRate(this::pingAll, settings.pingSeconds(), settings.pingSeconds(), TimeUnit.SECONDS);
        }
        return ports;
    }

    /** Closes every connection with 1001 and stops listening. */
    public synchronized void stop() {
        Server s = server;
        server = null;
        for (WsChannel c : channels.values()) {
            // the devices reconnect to the next stack and register again; until then their bindings lead nowhere
            flowClosed(c);
            c.close(StatusCode.SHUTDOWN, "node stopping");
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (s != null) {
            try {
                s.stop();
            } catch (Exception e) {
                LOG.debug("stopping WebSocket server: {}", e.toString());
            }
        }
        channels.clear();
        hosts.clear();
        instances.clear();
        successors.clear();
        closing.clear();
    }

    private Object upgrade(ServerUpgradeRequest req, ServerUpgradeResponse resp,
            org.eclipse.jetty.util.Callback callback) {
        // every refusal completes the exchange itself: a creator returning null alone leaves the client hanging
        int port = Request.getLocalPort(req);
        String path = Request.getPathInContext(req);
        WsSettings.Listener l = byPort.get(port);
        String from = Request.getRemoteAddr(req) + ":" + Request.getRemotePort(req);
        if (l == null || !l.paths().contains(path)) {
            Response.writeError(req, resp, callback, HttpStatus.NOT_FOUND_404, "no SIP WebSocket at " + path);
            return null;
        }
        if (!req.hasSubProtocol("sip")) {
            LOG.info("SIP WebSocket upgrade from {} to {} refused: no subprotocol 'sip' (offered {})", from, path,
                    req.getSubProtocols());
            Response.writeError(req, resp, callback, HttpStatus.BAD_REQUEST_400,
                    "WebSocket subprotocol 'sip' required (RFC 7118)");
            return null;
        }
        String origin = req.getHeaders().get("Origin");
        if (!settings.origins().isEmpty() && (origin == null || !settings.origins().contains(origin))) {
            LOG.info("SIP WebSocket upgrade from {} refused: origin {} not allowed", from, origin);
            Response.writeError(req, resp, callback, HttpStatus.FORBIDDEN_403, "origin not allowed");
            return null;
        }
        WsMessageProcessor p = processors.get(l.transport().toUpperCase(Locale.ROOT));
        if (p == null) {
            Response.writeError(req, resp, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "SIP stack starting");
            return null;
        }
        resp.setAcceptedSubProtocol("sip");
        return new WsChannel(p, this);
    }

    void attach(WsMessageProcessor p) {
        processors.put(p.getTransport().toUpperCase(Locale.ROOT), p);
    }

    void detach(WsMessageProcessor p) {
        processors.remove(p.getTransport().toUpperCase(Locale.ROOT), p);
        for (WsChannel c : channels.values()) {
            if (c.getMessageProcessor() == p) {
                c.close(StatusCode.SHUTDOWN, "transport stopping");
            }
        }
    }

    void opened(WsChannel c) {
        channels.put(c.key(), c);
        LOG.debug("SIP WebSocket {} open", c.flow());
    }

    /** A message on {@code c} named its hosts and instances: it takes over a closed connection of the same device. */
    void learned(WsChannel c) {
        c.hosts.forEach(h -> hosts.put(h, c));
        c.instances.forEach(i -> instances.put(i, c));
        for (WsChannel old : List.copyOf(closing.keySet())) {
            boolean same = old.hosts.stream().anyMatch(c.hosts::contains)
                    || old.instances.stream().anyMatch(c.instances::contains);
            if (same) {
                ScheduledFuture<?> f = closing.remove(old);
                if (f != null) {
                    f.cancel(false);
                }
                successors.put(old.key(), c);
                successors.replaceAll((k, v) -> v == old ? c : v);
                old.hosts.forEach(h -> hosts.put(h, c));
                c.hosts.addAll(old.hosts);
                LOG.info("SIP WebSocket {} recovered on {}", old.flow(), c.flow());
            }
        }
    }

    void closed(WsChannel c, int code, String reason) {
        channels.remove(c.key(), c);
        if (code == StatusCode.MESSAGE_TOO_LARGE) {
            LOG.info("SIP WebSocket {}: frame over {} bytes; closed with 1009", c.flow(), settings.maxFrame());
        } else {
            LOG.debug("SIP WebSocket {} closed: {} {}", c.flow(), code, reason);
        }
        if (server == null) {
            // stopping: stop() reported it
            return;
        }
        flowClosed(c);
        if (settings.graceSeconds() > 0 && (!c.hosts.isEmpty() || !c.instances.isEmpty())) {
            closing.put(c, timer.schedule(() -> lost(c), settings.graceSeconds(), TimeUnit.SECONDS));
        } else {
            lost(c);
        }
    }

    private void flowClosed(WsChannel c) {
        try {
            listener.flowClosed(c.flow());
        } catch (RuntimeException e) {
            LOG.warn("SIP WebSocket {}: releasing bindings failed: {}", c.flow(), e.toString());
        }
    }

    private void lost(WsChannel c) {
        closing.remove(c);
        hosts.values().removeIf(v -> v == c);
        instances.values().removeIf(v -> v == c);
        successors.values().removeIf(v -> v == c);
        try {
            listener.flowLost(c.flow(), c.peer(), Set.copyOf(c.hosts));
        } catch (RuntimeException e) {
            LOG.warn("SIP WebSocket {}: ending its calls failed: {}", c.flow(), e.toString());
        }
    }

    /** The live connection for a request towards {@code host:port}; null when the device is not connected. */
    WsChannel find(String host, int port) {
        if (host == null) {
            return null;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        h = h.toLowerCase(Locale.ROOT);
        WsChannel c = channels.get(h + ":" + port);
        if (c == null || !c.open()) {
            c = successors.get(h + ":" + port);
        }
        if (c == null || !c.open()) {
            c = hosts.get(h);
        }
        return c != null && c.open() ? c : null;
    }

    private void pingAll() {
        for (WsChannel c : channels.values()) {
            try {
                c.ping();
            } catch (RuntimeException e) {
                LOG.debug("ping {}: {}", c.flow(), e.toString());
            }
        }
    }

    int maxFrame() {
        return settings.maxFrame();
    }

    /** Live connections of a transport (WS or WSS). */
    public int connections(String transport) {
        return (int) channels.values().stream().filter(c -> c.getTransport().equalsIgnoreCase(transport)).count();
    }

    /** Bound port → listener, for {@code pb:sip} and the health check. */
    public Map<Integer, WsSettings.Listener> listeners() {
        return Map.copyOf(byPort);
    }

    /** Connections waiting for their device to come back. */
    public int recovering() {
        return closing.size();
    }

    public boolean running() {
        Server s = server;
        return s != null && s.isStarted();
    }
}
