package org.patchbay.sip.internal.stack;

import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.sip.ListeningPoint;
import javax.sip.SipProvider;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;

import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.MessageFactoryImpl;

import org.patchbay.sip.internal.auth.Authenticator;
import org.patchbay.sip.internal.ws.FlowListener;
import org.patchbay.sip.internal.ws.WsAddressResolver;
import org.patchbay.sip.internal.ws.WsServer;
import org.patchbay.sip.spi.SipNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running jain-sip stack: a fresh {@code SipStackImpl} (never the SipFactory singleton), one provider holding a
 * listening point per enabled transport and the single {@link StackListener}. Plain Java so tests run it without OSGi;
 * {@link SipStackComponent} creates one per configuration and stops it on deactivate.
 */
public final class SipStackRuntime implements SipNode, FlowListener {

    /** A keystore the TLS transport can open. */
    public record Keystore(Path path, String password, String type) {
        @Override
        public String toString() {
            return "Keystore[" + path + ", " + type + ", password=***]";
        }
    }

    static final String LOGGER_CLASS = "org.patchbay.jainsip.logging.Slf4jStackLogger";
    static final String PROCESSOR_FACTORY_CLASS = "org.patchbay.jainsip.stack.StartStopSafeProcessorFactory";
    static final String PARSER_FACTORY_CLASS = "org.patchbay.jainsip.parser.StrictMessageParserFactory";
    private static final Logger LOG = LoggerFactory.getLogger(SipStackRuntime.class);
    private static final AtomicInteger STACKS = new AtomicInteger();

    private final SipSettings settings;
    private final Keystore keystore;
    private final HandlerRegistry handlers;
    private final Supplier<Authenticator> authenticator;
    private final NodeAddresses addresses;
    private final MessageFactory messageFactory = new MessageFactoryImpl();
    private final HeaderFactory headerFactory = new HeaderFactoryImpl();
    private final AddressFactory addressFactory = new AddressFactoryImpl();
    /** transport (lower case) → actual port */
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final StackStats stats = new StackStats();
    private SipStackImpl stack;
    private SipProvider provider;
    private List<Thread> scannerThreads = List.of();
    private WsServer webSockets;
    private final List<FlowListener> flowListeners = new CopyOnWriteArrayList<>();

    public SipStackRuntime(SipSettings settings, Keystore keystore, HandlerRegistry handlers,
            Supplier<Authenticator> authenticator) {
        this.settings = settings;
        this.keystore = keystore;
        this.handlers = handlers;
        this.authenticator = authenticator;
        this.addresses = NodeAddresses.of(settings);
    }

    /** Creates the stack and binds every enabled transport; on failure everything opened so far is released. */
    public synchronized void start() throws Exception {
        if (stack != null) {
            throw new IllegalStateException("already started");
        }
        SipStackImpl s;
        synchronized (STACKS) {
            // the RI starts an EventScanner thread in the constructor and never ends it (it stops the scanner but leaves
            // its thread blocked in take()): remember the thread to interrupt it on stop
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            s = new RfcMatchingStack(stackProperties());
            scannerThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.getName().startsWith("EventScanner")).toList();
        }
        WsServer ws = null;
        ((RfcMatchingStack) s).connectionClosed(this::flowClosed);
        try {
            List<ListeningPoint> points = new ArrayList<>();
            if (settings.ws().any()) {
                ws = new WsServer(settings.ws(), settings.host(), keystore == null ? null
                        : new WsServer.Tls(keystore.path().toString(), keystore.password(), keystore.type()), this);
                ((RfcMatchingStack) s).webSockets(ws);
                s.setAddressResolver(new WsAddressResolver(ws));
                // Jetty binds first (port 0 works); the listening points then carry the bound ports
                for (Map.Entry<String, Integer> e : ws.start().entrySet()) {
                    points.add(listen(s, e.getValue(), e.getKey().toUpperCase(Locale.ROOT)));
                }
            }
            if (settings.udpEnabled()) {
                points.add(listen(s, settings.udpPort(), ListeningPoint.UDP));
            }
            if (settings.tcpEnabled()) {
                points.add(listen(s, settings.tcpPort(), ListeningPoint.TCP));
            }
            if (settings.tlsEnabled()) {
                points.add(listen(s, settings.tlsPort(), ListeningPoint.TLS));
            }
            SipProvider p = s.createSipProvider(points.get(0));
            for (int i = 1; i < points.size(); i++) {
                p.addListeningPoint(points.get(i));
            }
            p.addSipListener(new StackListener(this, handlers, authenticator, stats));
            s.start();
            for (ListeningPoint lp : points) {
                ports.put(lp.getTransport().toLowerCase(Locale.ROOT), lp.getPort());
            }
            stack = s;
            provider = p;
            webSockets = ws;
        } catch (Exception | Error e) {
            if (ws != null) {
                ws.stop();
            }
            release(s, scannerThreads);
            throw e;
        }
    }

    private ListeningPoint listen(SipStackImpl s, int port, String transport) throws Exception {
        ListeningPoint lp = s.createListeningPoint(settings.host(), port, transport);
        if (lp instanceof ListeningPointImpl impl) {
            // Via sent-by of requests the stack builds (e.g. CANCEL) and the provider's call ids: never 0.0.0.0
            impl.setSentBy(addresses.advertised() + ":" + lp.getPort());
        }
        return lp;
    }

    Properties stackProperties() {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "patchbay-" + STACKS.incrementAndGet());
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", LOGGER_CLASS);
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", PARSER_FACTORY_CLASS);
        // the B2BUA and the registrar create dialogs explicitly
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(settings.threads()));
        p.setProperty("gov.nist.javax.sip.TCP_POST_PARSING_THREAD_POOL_SIZE", Integer.toString(settings.threads()));
        p.setProperty("gov.nist.javax.sip.AGGRESSIVE_CLEANUP", "true");
        p.setProperty("gov.nist.javax.sip.RELEASE_REFERENCES_STRATEGY", "Normal");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(settings.maxMessageSize()));
        // blocking TCP/TLS (a thread per connection): the RI's NIO processor loses the first request it sends over a
        // connection it opens itself (an INVITE to a phone registered over TCP); UDP with a bounded backlog and a
        // processor that survives a stop right after its start (see the wrapper bundle)
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", PROCESSOR_FACTORY_CLASS);
        // symmetric response routing (RFC 3581 for everyone): a UDP request whose Via port is not its source port gets
        // rport=<source>, so the response reaches phones behind NAT that did not ask for rport
        p.setProperty("gov.nist.javax.sip.ALWAYS_ADD_RPORT", "true");
        p.setProperty("gov.nist.javax.sip.CACHE_SERVER_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        // idle TCP/TLS connections from clients that went away are closed after this (seconds)
        p.setProperty("gov.nist.javax.sip.NIO_MAX_SOCKET_IDLE_TIME", "7200000");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        // a response without a client transaction is not ours: drop it in the stack
        p.setProperty("gov.nist.javax.sip.REJECT_STRAY_RESPONSES", "true");
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
        p.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", "5000");
        // the RI's default suites are RSA/anonymous ones JDK 17 disables (and useless with an EC key): use the JDK's
        p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(",", TlsDefaults.cipherSuites()));
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", String.join(",", TlsDefaults.protocols()));
        if (settings.tlsEnabled() && keystore != null) {
            p.setProperty("javax.net.ssl.keyStore", keystore.path().toString());
            p.setProperty("javax.net.ssl.keyStorePassword", keystore.password());
            p.setProperty("javax.net.ssl.keyStoreType", keystore.type());
            // clients are not authenticated by certificate; outbound TLS trusts the same store (self-signed peers)
            p.setProperty("javax.net.ssl.trustStore", keystore.path().toString());
            p.setProperty("javax.net.ssl.trustStorePassword", keystore.password());
            p.setProperty("javax.net.ssl.trustStoreType", keystore.type());
        }
        return p;
    }

    /** Stops the stack: every socket and thread it opened is released. Idempotent. */
    public synchronized void stop() {
        SipStackImpl s = stack;
        stack = null;
        provider = null;
        WsServer ws = webSockets;
        webSockets = null;
        if (ws != null) {
            ws.stop();
        }
        if (s != null) {
            release(s, scannerThreads);
        }
    }

    private static void release(SipStackImpl s, List<Thread> scannerThreads) {
        gov.nist.javax.sip.EventScanner scanner = s.getEventScanner();
        try {
            for (Object o : toList(s.getSipProviders())) {
                SipProvider p = (SipProvider) o;
                try {
                    // the provider refuses deletion while a listener is attached
                    if (p instanceof gov.nist.javax.sip.SipProviderImpl impl && impl.getSipListener() != null) {
                        p.removeSipListener(impl.getSipListener());
                    }
                    s.deleteSipProvider(p);
                } catch (Exception e) {
                    LOG.debug("deleting provider: {}", e.toString());
                }
            }
            for (Object o : toList(s.getListeningPoints())) {
                try {
                    s.deleteListeningPoint((ListeningPoint) o);
                } catch (Exception e) {
                    LOG.debug("deleting listening point: {}", e.toString());
                }
            }
        } finally {
            s.stop();
            if (scanner != null) {
                scanner.forceStop();
            }
            for (Thread t : scannerThreads) {
                t.interrupt();
                try {
                    t.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static List<Object> toList(java.util.Iterator<?> it) {
        List<Object> l = new ArrayList<>();
        if (it != null) {
            it.forEachRemaining(l::add);
        }
        return l;
    }

    public synchronized boolean running() {
        return stack != null;
    }

    public SipSettings settings() {
        return settings;
    }

    /** transport → bound port of every listening transport (empty when stopped). */
    public synchronized Map<String, Integer> ports() {
        return stack == null ? Map.of() : Map.copyOf(ports);
    }

    /** The WebSocket listeners, or null when none is configured or the stack is stopped. */
    public synchronized WsServer webSockets() {
        return webSockets;
    }

    /** Adds a listener for WebSocket connections closing and being lost (registrar, call legs). */
    public void addFlowListener(FlowListener l) {
        flowListeners.add(l);
    }

    public void removeFlowListener(FlowListener l) {
        flowListeners.remove(l);
    }

    @Override
    public void flowClosed(String flow) {
        for (FlowListener l : flowListeners) {
            l.flowClosed(flow);
        }
    }

    @Override
    public void flowLost(String flow, java.net.InetSocketAddress peer, Set<String> hosts) {
        for (FlowListener l : flowListeners) {
            l.flowLost(flow, peer, hosts);
        }
    }

    public StackStats stats() {
        return stats;
    }

    SipStackImpl stack() {
        return stack;
    }

    String advertisedHost() {
        return addresses.advertised();
    }

    @Override
    public MessageFactory messageFactory() {
        return messageFactory;
    }

    @Override
    public HeaderFactory headerFactory() {
        return headerFactory;
    }

    @Override
    public AddressFactory addressFactory() {
        return addressFactory;
    }

    @Override
    public Optional<SipProvider> provider(String transport) {
        SipProvider p = provider;
        if (p == null || transport == null || !ports.containsKey(transport.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of(p);
    }

    @Override
    public SipURI localUri(String transport) {
        String t = transport == null ? "udp" : transport.toLowerCase(Locale.ROOT);
        Integer port = ports.get(t);
        if (port == null) {
            port = switch (t) {
                case "ws" -> settings.ws().wsPort();
                case "wss" -> settings.ws().wssPort();
                case "tls" -> settings.tlsPort();
                case "tcp" -> settings.tcpPort();
                default -> settings.udpPort();
            };
        }
        try {
            SipURI uri = addressFactory.createSipURI(null, addresses.advertised());
            uri.setPort(port);
            if (!t.equals("udp")) {
                uri.setTransportParam(t);
            }
            return uri;
        } catch (ParseException e) {
            throw new IllegalStateException("advertised host '" + addresses.advertised() + "' is not a SIP host", e);
        }
    }

    @Override
    public String domainOf(SipURI uri) {
        String host = uri.getHost();
        if (host == null || isLocal(host)) {
            return settings.domain();
        }
        return NodeAddresses.normalize(host);
    }

    @Override
    public boolean isLocal(String host) {
        return addresses.isLocal(host);
    }

    @Override
    public String defaultDomain() {
        return settings.domain();
    }

    @Override
    public String transportTo(org.patchbay.api.location.Binding target) {
        return BindingRoutes.transportTo(target);
    }

    @Override
    public javax.sip.message.Request newRequest(org.patchbay.api.location.Binding target, String method,
            javax.sip.address.Address from, javax.sip.address.Address to) throws ParseException {
        return BindingRoutes.newRequest(this, target, method, from, to, null);
    }

    @Override
    public StackCounts counts() {
        SipStackImpl s = stack;
        if (s == null) {
            return new StackCounts(0, 0, 0);
        }
        return new StackCounts(s.getDialogs().size(), s.getServerTransactionTableSize(),
                s.getClientTransactionTableSize());
    }
}
