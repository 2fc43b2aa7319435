package org.patchbay.sip.internal.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sip.ClientTransaction;
import javax.sip.address.Address;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.location.Binding;
import org.patchbay.sip.internal.auth.Authenticator;
import org.patchbay.sip.internal.fakes.FakeLocation;
import org.patchbay.sip.internal.registrar.RegistrarHandler;
import org.patchbay.sip.internal.registrar.Registrars;
import org.patchbay.sip.internal.stack.HandlerRegistry;
import org.patchbay.sip.internal.stack.SipSettings;
import org.patchbay.sip.internal.stack.SipStackRuntime;
import org.patchbay.sip.internal.stack.StackTesting;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipRequestHandler;

/** SIP over WebSocket (RFC 7118) against the real stack and Jetty, with the JDK's WebSocket client. */
class WebSocketTransportTest {
    static {
        StackTesting.quietStack();
    }

    private static final String DOMAIN = "patchbay.local";
    private final FakeLocation location = new FakeLocation();
    private SipStackRuntime runtime;
    private int sipPort;
    private int wsPort;
    private int wssPort;

    /** The From user is who they say: authentication is not what these tests are about. */
    private static final Authenticator TRUSTING = new Authenticator() {
        @Override
        public Optional<Aor> authenticate(SipExchange x, boolean proxy) {
            javax.sip.header.FromHeader from = (javax.sip.header.FromHeader) x.request().getHeader("From");
            return Optional.of(new Aor(((javax.sip.address.SipURI) from.getAddress().getURI()).getUser(), DOMAIN));
        }

        @Override
        public boolean admit(Request request, java.net.InetSocketAddress source) {
            return true;
        }
    };

    private void start(Map<String, Object> extra, SipStackRuntime.Keystore keystore) throws Exception {
        int sip = freePort();
        sipPort = sip;
        wsPort = freePort();
        wssPort = freePort();
        Map<String, Object> cfg = new HashMap<>(Map.of("host", "127.0.0.1", "udp.port", sip, "tcp.port", sip,
                "tls.enabled", "false", "ws.port", wsPort, "wss.port", wssPort, "wss.enabled", keystore != null,
                "domain", DOMAIN));
        cfg.putAll(extra);
        HandlerRegistry handlers = new HandlerRegistry();
        RegistrarHandler registrar = Registrars.of(location);
        handlers.add(registrar, Map.of(SipRequestHandler.METHODS, "REGISTER"));
        runtime = new SipStackRuntime(SipSettings.parse(cfg), keystore, handlers, () -> TRUSTING);
        runtime.addFlowListener(registrar);
        runtime.start();
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.stop();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A REGISTER as JsSIP sends it (Via and Contact on a made-up .invalid host). */
    static String register(String user, String host, String transport, String instance, int expires, int cseq) {
        return "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport.toUpperCase() + " " + host + ";branch=z9hG4bK" + UUID.randomUUID() + "\r\n"
                + "Max-Forwards: 69\r\n"
                + "To: <sip:" + user + "@" + DOMAIN + ">\r\n"
                + "From: <sip:" + user + "@" + DOMAIN + ">;tag=" + host.hashCode() + "\r\n"
                + "Call-ID: reg-" + host + "\r\n"
                + "CSeq: " + cseq + " REGISTER\r\n"
                + "Contact: <sip:" + user + "x@" + host + ";transport=ws>;+sip.ice;reg-id=1;+sip.instance=\"<urn:uuid:"
                + instance + ">\";expires=" + expires + "\r\n"
                + "Expires: " + expires + "\r\n"
                + "Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\n"
                + "Supported: path,gruu,outbound\r\n"
                + "User-Agent: JsSIP 3.10.1\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    @Test
    void registerOverWsStoresTheFlowAndACloseRemovesIt() throws Exception {
        start(Map.of(), null);
        try (WsClient c = WsClient.ws(wsPort)) {
            c.send(register("alice", "abc123.invalid", "ws", UUID.randomUUID().toString(), 600, 1));
            String ok = c.next("SIP/2.0", 5);
            assertTrue(ok.startsWith("SIP/2.0 200"), ok);
            assertTrue(ok.contains("received=127.0.0.1"), ok);
            assertTrue(ok.contains("Require: outbound"), ok);
            List<Binding> b = location.all();
            assertEquals(1, b.size());
            assertEquals("ws", b.get(0).transport());
            assertEquals("ws:127.0.0.1:" + b.get(0).source().getPort(), b.get(0).flow());
            assertEquals("ws", runtime.transportTo(b.get(0)));
            assertEquals(1, runtime.webSockets().connections("WS"));
            c.socket.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
            c.closed.get(5, TimeUnit.SECONDS);
            waitFor(() -> location.all().isEmpty(), "bindings of the closed connection go");
        }
    }

    @Test
    void registerOverWssAndReachTheInvalidContactOnTheSocket(@TempDir Path dir) throws Exception {
        SipStackRuntime.Keystore ks = StackTesting.keystore(dir.resolve("tls"));
        start(Map.of("ws.enabled", "false"), ks);
        try (WsClient c = WsClient.wss(wssPort, ks.path(), ks.password())) {
            c.send(register("bob", "def456.invalid", "wss", UUID.randomUUID().toString(), 600, 1));
            assertTrue(c.next("SIP/2.0", 5).startsWith("SIP/2.0 200"));
            Binding b = location.all().get(0);
            assertEquals("wss", b.transport());
            assertEquals("wss", runtime.transportTo(b));
            Address from = runtime.addressFactory().createAddress("<sip:carol@" + DOMAIN + ">");
            Address to = runtime.addressFactory().createAddress("<sip:bob@" + DOMAIN + ">");
            Request message = runtime.newRequest(b, Request.MESSAGE, from, to);
            message.setContent("hello over wss", (ContentTypeHeader) runtime.headerFactory()
                    .createHeader(ContentTypeHeader.NAME, "text/plain"));
            ClientTransaction ct = runtime.provider(runtime.transportTo(b)).orElseThrow()
                    .getNewClientTransaction(message);
            ct.sendRequest();
            String got = c.next("MESSAGE", 5);
            assertTrue(got.startsWith("MESSAGE sip:bobx@def456.invalid"), got);
            assertTrue(got.contains("Via: SIP/2.0/WSS"), got);
            assertTrue(got.endsWith("hello over wss"), got);
            c.send(answer(got, 200, "OK"));
            waitFor(() -> ct.getState() == javax.sip.TransactionState.TERMINATED
                    || ct.getState() == javax.sip.TransactionState.COMPLETED, "the 200 reaches the transaction");
        }
    }

    @Test
    void refusedWithoutSubprotocolOrOnAnotherPath() throws Exception {
        start(Map.of(), null);
        assertTrue(upgrade("/ws", null).startsWith("HTTP/1.1 400"), "no subprotocol");
        assertTrue(upgrade("/ws", "chat").startsWith("HTTP/1.1 400"), "wrong subprotocol");
        assertTrue(upgrade("/other", "sip").startsWith("HTTP/1.1 404"), "other path");
        assertTrue(upgrade("/ws", "sip").startsWith("HTTP/1.1 101"), "sip accepted");
    }

    @Test
    void originsWhenConfigured() throws Exception {
        start(Map.of("ws.origins", "https://app.example"), null);
        assertTrue(upgrade(wsPort, "/ws", "sip", "Origin: https://evil.example\r\n").startsWith("HTTP/1.1 403"));
        assertTrue(upgrade(wsPort, "/ws", "sip", "").startsWith("HTTP/1.1 403"), "no Origin");
        assertTrue(upgrade(wsPort, "/ws", "sip", "Origin: https://app.example\r\n").startsWith("HTTP/1.1 101"));
    }

    @Test
    void extraListenerWithItsOwnPath() throws Exception {
        int extra = freePort();
        start(Map.of("ws.listeners", extra + "/vendor"), null);
        assertTrue(upgrade(extra, "/vendor", "sip").startsWith("HTTP/1.1 101"));
        assertTrue(upgrade(extra, "/ws", "sip").startsWith("HTTP/1.1 404"));
    }

    @Test
    void keepAlivesOversizedFramesAndPings() throws Exception {
        start(Map.of("ws.max.frame.size", "2048", "ws.ping.interval", "1"), null);
        try (WsClient c = WsClient.ws(wsPort)) {
            c.send("\r\n\r\n");
            assertEquals("\r\n", c.next(5), "CRLF pong (RFC 5626 4.4.1)");
            c.socket.sendPing(java.nio.ByteBuffer.wrap(new byte[] {1})).get(5, TimeUnit.SECONDS);
            waitFor(() -> c.pongs.get() > 0, "pong to a WebSocket ping");
            waitFor(() -> c.pings.get() > 0, "the node pings every second");
            c.send("garbage that is not SIP\r\n\r\n");
            c.send(register("dave", "ghi789.invalid", "ws", UUID.randomUUID().toString(), 600, 1));
            assertTrue(c.next("SIP/2.0", 5).startsWith("SIP/2.0 200"), "a bad frame does not end the connection");
            c.send("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n" + "X: " + "a".repeat(3000) + "\r\n\r\n");
            assertEquals(1009, c.closed.get(5, TimeUnit.SECONDS), "oversized frame closes with 1009");
            waitFor(() -> location.all().isEmpty(), "its bindings go");
        }
    }

    @Test
    void aReconnectWithTheSameHostTakesOverTheFlowAndOtherwiseItIsLost() throws Exception {
        start(Map.of("ws.flow.grace", "1"), null);
        java.util.List<String> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
        runtime.addFlowListener(new FlowListener() {
            @Override
            public void flowClosed(String flow) {
            }

            @Override
            public void flowLost(String flow, java.net.InetSocketAddress peer, java.util.Set<String> hosts) {
                lost.add(flow + " " + hosts);
            }
        });
        String instance = UUID.randomUUID().toString();
        String oldFlow;
        try (WsClient first = WsClient.ws(wsPort)) {
            first.send(register("erin", "rec0ver.invalid", "ws", instance, 600, 1));
            assertTrue(first.next("SIP/2.0", 5).startsWith("SIP/2.0 200"));
            oldFlow = location.all().get(0).flow();
            first.socket.abort();
        }
        waitFor(() -> location.all().isEmpty(), "bindings go with the connection");
        String[] old = oldFlow.split(":");
        try (WsClient second = WsClient.ws(wsPort)) {
            second.send(register("erin", "rec0ver.invalid", "ws", instance, 600, 2));
            assertTrue(second.next("SIP/2.0", 5).startsWith("SIP/2.0 200"));
            WsChannel now = runtime.webSockets().find(old[1], Integer.parseInt(old[2]));
            assertNotNull(now, "requests for the old connection reach the new one");
            assertTrue(!now.flow().equals(oldFlow), now.flow());
            Thread.sleep(1500);
            assertTrue(lost.isEmpty(), "recovered, not lost: " + lost);
            second.socket.abort();
        }
        waitFor(() -> lost.size() == 1, "not recovered this time: lost after the grace period");
        assertTrue(lost.get(0).contains("[rec0ver.invalid]"), lost.toString());
        assertEquals(null, runtime.webSockets().find("rec0ver.invalid", 5060), "nothing reaches a lost device");
    }

    /** The same for TCP (RFC 5626): an outbound registration goes with its connection, a plain one stays. */
    @Test
    void aClosedTcpConnectionTakesItsOutboundBindings() throws Exception {
        start(Map.of("ws.enabled", "false"), null);
        try (Socket outbound = new Socket(InetAddress.getLoopbackAddress(), sipPort);
                Socket plain = new Socket(InetAddress.getLoopbackAddress(), sipPort)) {
            outbound.setSoTimeout(5000);
            plain.setSoTimeout(5000);
            assertTrue(tcpRegister(outbound, "frank", ";reg-id=1;+sip.instance=\"<urn:uuid:" + UUID.randomUUID() + ">\"")
                    .startsWith("SIP/2.0 200"));
            assertTrue(tcpRegister(plain, "gina", "").startsWith("SIP/2.0 200"));
            assertEquals(2, location.all().size());
        }
        waitFor(() -> location.all().size() == 1, "the outbound binding goes with its connection");
        assertEquals("gina", location.all().get(0).aor().user());
    }

    private static String tcpRegister(Socket s, String user, String outbound) throws Exception {
        int port = s.getLocalPort();
        String msg = "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:" + port + ";branch=z9hG4bK" + UUID.randomUUID()
                + "\r\nMax-Forwards: 70\r\nTo: <sip:" + user + "@" + DOMAIN + ">\r\nFrom: <sip:" + user + "@" + DOMAIN
                + ">;tag=t" + port + "\r\nCall-ID: tcp-" + user + "-" + port + "\r\nCSeq: 1 REGISTER\r\nContact: <sip:" + user
                + "@127.0.0.1:" + port + ";transport=tcp>" + outbound + "\r\nExpires: 600\r\nSupported: outbound\r\n"
                + "Content-Length: 0\r\n\r\n";
        s.getOutputStream().write(msg.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        String status = in.readLine();
        assertNotNull(status);
        return status;
    }

    /** A response to {@code request} built by the client, as JsSIP does. */
    static String answer(String request, int code, String reason) {
        StringBuilder sb = new StringBuilder("SIP/2.0 " + code + " " + reason + "\r\n");
        for (String line : request.split("\r\n")) {
            if (line.isEmpty()) {
                break;
            }
            String name = line.split(":", 2)[0].strip().toLowerCase();
            if (List.of("via", "from", "call-id", "cseq").contains(name)) {
                sb.append(line).append("\r\n");
            } else if (name.equals("to")) {
                sb.append(line).append(line.contains("tag=") ? "" : ";tag=ws" + code).append("\r\n");
            }
        }
        return sb.append("Content-Length: 0\r\n\r\n").toString();
    }

    private String upgrade(String path, String protocol) throws Exception {
        return upgrade(wsPort, path, protocol);
    }

    /** A raw upgrade request; the status line of the answer (the connection must not hang). */
    static String upgrade(int port, String path, String protocol) throws Exception {
        return upgrade(port, path, protocol, "");
    }

    static String upgrade(int port, String path, String protocol, String extraHeaders) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n" + (protocol == null ? "" : "Sec-WebSocket-Protocol: " + protocol
                    + "\r\n") + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String status = in.readLine();
            assertNotNull(status, "an answer to the upgrade");
            return status;
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(20);
        }
    }

    static String header(String message, String name) {
        Matcher m = Pattern.compile("(?im)^" + name + ":\\s*(.*)$").matcher(message);
        return m.find() ? m.group(1).strip() : null;
    }
}
