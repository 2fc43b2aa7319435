package org.patchbay.sip.internal.stack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import javax.sip.ClientTransaction;
import javax.sip.ResponseEvent;
import javax.sip.TimeoutEvent;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchbay.api.identity.Aor;
import org.patchbay.sip.internal.auth.Authenticator;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipRequestHandler;
import org.patchbay.sip.spi.SipResponseListener;

/** NAT handling, keep-alives, TLS, admission, outgoing requests and clean stops, on real sockets. */
class StackTransportTest {

    static {
        RawSip.quietStack();
    }

    private final HandlerRegistry handlers = new HandlerRegistry();
    private volatile Authenticator authenticator;
    private SipStackRuntime runtime;
    private int port;

    private void start(Map<String, Object> extra, SipStackRuntime.Keystore keystore) throws Exception {
        port = RawSip.freePort();
        Map<String, Object> cfg = new java.util.HashMap<>(Map.of("host", "127.0.0.1", "udp.port", port, "tcp.port", port,
                "tls.enabled", "false", "ws.enabled", "false", "wss.enabled", "false"));
        cfg.putAll(extra);
        runtime = new SipStackRuntime(SipSettings.parse(cfg), keystore, handlers, () -> authenticator);
        runtime.start();
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.stop();
        }
    }

    @Test
    void responseGoesToTheSourcePortNotTheViaPort() throws Exception {
        start(Map.of(), null);
        try (DatagramSocket natted = new DatagramSocket(0, RawSip.LOOPBACK);
                DatagramSocket advertised = new DatagramSocket(0, RawSip.LOOPBACK)) {
            // Via names the port the phone thinks it has; the packet comes from another (a NAT mapping)
            for (String rport : List.of(";rport", "")) {
                String options = RawSip.options("udp", advertised.getLocalPort(), port).replace(";rport", rport);
                List<String> r = RawSip.udp(natted, port, options.getBytes(UTF_8), 2000);
                assertEquals(200, RawSip.finalStatus(r), "Via" + rport + ": " + r);
                String via = RawSip.header(r.get(0), "Via");
                assertTrue(via.contains("rport=" + natted.getLocalPort()), via);
                assertTrue(via.contains("received=127.0.0.1") || !via.contains("received"), via);
            }
            advertised.setSoTimeout(300);
            assertThrows(java.net.SocketTimeoutException.class,
                    () -> advertised.receive(new DatagramPacket(new byte[2048], 2048)), "nothing to the Via port");
        }
    }

    @Test
    void exchangeReportsTheRealSourceAndFlow() throws Exception {
        start(Map.of(), null);
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(4);
        handlers.add(ex -> {
            seen.add(ex.transport() + " " + ex.source().getPort() + " " + ex.flow());
            ex.respond(200);
        }, Map.of(SipRequestHandler.METHODS, "MESSAGE"));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(RawSip.LOOPBACK, port));
            s.getOutputStream().write(RawSip.request("MESSAGE", "tcp", 5999, port, "").getBytes(UTF_8));
            assertEquals(200, RawSip.finalStatus(RawSip.receiveTcp(s, 2000)));
            assertEquals("tcp " + s.getLocalPort() + " tcp:127.0.0.1:" + s.getLocalPort(), seen.poll(1, TimeUnit.SECONDS));
        }
        try (DatagramSocket u = new DatagramSocket(0, RawSip.LOOPBACK)) {
            RawSip.udp(u, port, RawSip.request("MESSAGE", "udp", 5999, port, "").getBytes(UTF_8), 2000);
            assertEquals("udp " + u.getLocalPort() + " null", seen.poll(1, TimeUnit.SECONDS));
        }
    }

    @Test
    void crlfKeepAliveOverTcpIsAnsweredWithCrlf() throws Exception {
        start(Map.of(), null);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(RawSip.LOOPBACK, port));
            s.setSoTimeout(2000);
            // RFC 5626 keep-alives run on a flow a request opened (REGISTER); the RI's blocking TCP channel can only
            // answer on a connection that has carried a request
            s.getOutputStream().write(RawSip.options("tcp", 5999, port).getBytes(UTF_8));
            assertEquals(200, RawSip.finalStatus(RawSip.receiveTcp(s, 2000)));
            for (int i = 0; i < 2; i++) {
                s.getOutputStream().write("\r\n\r\n".getBytes(UTF_8));
                byte[] pong = s.getInputStream().readNBytes(2);
                assertArrayEquals("\r\n".getBytes(UTF_8), pong);
            }
            // the connection still carries SIP afterwards
            s.getOutputStream().write(RawSip.options("tcp", 5999, port).getBytes(UTF_8));
            assertEquals(200, RawSip.finalStatus(RawSip.receiveTcp(s, 2000)));
        }
    }

    @Test
    void tlsWithAGeneratedKeystore(@TempDir Path dir) throws Exception {
        SipStackRuntime.Keystore ks = SipKeystores.ensure(dir.resolve("tls"), false);
        assertTrue(Files.isRegularFile(dir.resolve("tls/patchbay.p12")));
        assertNull(SipKeystores.usable(ks.path(), dir.resolve("tls/patchbay.p12.pass")), "reusable");
        int tls = RawSip.freePort();
        start(Map.of("tls.enabled", "true", "tls.port", tls), ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAll()}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", tls)) {
            s.setSoTimeout(3000);
            s.startHandshake();
            assertTrue(s.getSession().getProtocol().startsWith("TLSv1."), s.getSession().getProtocol());
            X509Certificate cert = (X509Certificate) s.getSession().getPeerCertificates()[0];
            assertTrue(cert.getSubjectX500Principal().getName().contains("O=Patchbay"), cert.toString());
            s.getOutputStream().write(RawSip.options("tls", 5999, tls).getBytes(UTF_8));
            List<String> r = RawSip.receiveTcp(s, 3000);
            assertEquals(200, RawSip.finalStatus(r), r.toString());
        }
        assertEquals(tls, runtime.ports().get("tls"));
        assertEquals("sip:" + runtime.advertisedHost() + ":" + tls + ";transport=tls", runtime.localUri("tls").toString());
    }

    @Test
    void admissionDropsSilentlyAndAuthenticationWithoutAuthenticatorIs503() throws Exception {
        start(Map.of(), null);
        handlers.add(ex -> {
            Optional<Aor> who = ex.authenticate(false);
            if (who.isPresent()) {
                ex.respond(200);
            }
        }, Map.of(SipRequestHandler.METHODS, "MESSAGE"));
        try (DatagramSocket u = new DatagramSocket(0, RawSip.LOOPBACK)) {
            byte[] msg = RawSip.request("MESSAGE", "udp", u.getLocalPort(), port, "").getBytes(UTF_8);
            assertEquals(503, RawSip.finalStatus(RawSip.udp(u, port, msg, 2000)));
            authenticator = new Authenticator() {
                @Override
                public Optional<Aor> authenticate(SipExchange exchange, boolean proxy) {
                    return Optional.empty();
                }

                @Override
                public boolean admit(Request request, java.net.InetSocketAddress source) {
                    return false;
                }
            };
            byte[] second = RawSip.request("MESSAGE", "udp", u.getLocalPort(), port, "").getBytes(UTF_8);
            assertEquals(List.of(), RawSip.udp(u, port, second, 700), "not admitted: no answer");
            assertTrue(runtime.stats().dropped() >= 1);
        }
    }

    @Test
    void clientTransactionResponsesReachTheirListener() throws Exception {
        start(Map.of(), null);
        BlockingQueue<Integer> codes = new ArrayBlockingQueue<>(4);
        try (DatagramSocket uas = new DatagramSocket(0, RawSip.LOOPBACK)) {
            Request req = newOptions(uas.getLocalPort());
            ClientTransaction ct = runtime.provider("udp").orElseThrow().getNewClientTransaction(req);
            ct.setApplicationData(new SipResponseListener() {
                @Override
                public void response(ResponseEvent event) {
                    codes.add(event.getResponse().getStatusCode());
                }

                @Override
                public void timeout(TimeoutEvent event) {
                    codes.add(-1);
                }
            });
            ct.sendRequest();
            uas.setSoTimeout(2000);
            DatagramPacket p = new DatagramPacket(new byte[8192], 8192);
            uas.receive(p);
            String got = new String(p.getData(), 0, p.getLength(), UTF_8);
            assertTrue(got.startsWith("OPTIONS sip:peer@127.0.0.1:" + uas.getLocalPort()), got);
            String via = RawSip.header(got, "Via");
            assertTrue(via.contains("127.0.0.1:" + port), "Via names the advertised address, not 0.0.0.0: " + via);
            String response = "SIP/2.0 200 OK\r\n" + headerLines(got) + "Content-Length: 0\r\n\r\n";
            uas.send(new DatagramPacket(response.getBytes(UTF_8), response.length(), p.getSocketAddress()));
            assertEquals(200, codes.poll(2, TimeUnit.SECONDS));
        }
    }

    @Test
    void stopReleasesPortsAndThreads() throws Exception {
        java.util.Set<Thread> before = java.util.Set.copyOf(Thread.getAllStackTraces().keySet());
        start(Map.of(), null);
        try (DatagramSocket u = new DatagramSocket(0, RawSip.LOOPBACK)) {
            assertEquals(200, RawSip.finalStatus(RawSip.udp(u, port, RawSip.options("udp", 9, port).getBytes(UTF_8),
                    1000)));
        }
        assertEquals(200, RawSip.finalStatus(RawSip.tcp(port, RawSip.options("tcp", 9, port).getBytes(UTF_8), 1000)));
        assertTrue(Thread.getAllStackTraces().size() > before.size());
        runtime.stop();
        runtime = null;
        long end = System.currentTimeMillis() + 5000;
        List<String> left = List.of();
        while (System.currentTimeMillis() < end) {
            left = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t) && t.isAlive())
                    .map(Thread::getName).filter(n -> !n.startsWith("process reaper")).toList();
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(List.of(), left, "threads the stack left behind");
        try (DatagramSocket u = new DatagramSocket(port, RawSip.LOOPBACK);
                java.net.ServerSocket t = new java.net.ServerSocket(port, 1, RawSip.LOOPBACK)) {
            assertFalse(u.isClosed() || t.isClosed(), "both ports free again");
        }
        // a fresh stack on the same ports (what a configuration change does)
        SipStackRuntime again = new SipStackRuntime(SipSettings.parse(Map.of("host", "127.0.0.1", "udp.port", port,
                "tcp.port", port, "tls.enabled", "false", "ws.enabled", "false", "wss.enabled", "false")), null, handlers, () -> null);
        again.start();
        try {
            assertEquals(200, RawSip.finalStatus(RawSip.tcp(port, RawSip.options("tcp", 9, port).getBytes(UTF_8), 2000)));
        } finally {
            again.stop();
        }
    }

    @Test
    void domainRules() throws Exception {
        start(Map.of("domain", "example.org", "aliases", "sip.example.org, pbx"), null);
        SipURI byAddress = runtime.addressFactory().createSipURI("alice", "127.0.0.1");
        assertEquals("example.org", runtime.domainOf(byAddress));
        assertEquals("example.org", runtime.domainOf(runtime.addressFactory().createSipURI("alice", "PBX")));
        assertEquals("other.net", runtime.domainOf(runtime.addressFactory().createSipURI("alice", "Other.NET")));
        assertTrue(runtime.isLocal("localhost"));
        assertTrue(runtime.isLocal("sip.example.org"));
        assertFalse(runtime.isLocal("example.com"));
        assertEquals("example.org", runtime.defaultDomain());
        assertNotNull(runtime.localUri("udp"));
        assertEquals(Optional.empty(), runtime.provider("tls"));
    }

    @Test
    void badSettingsNameTheirKey() {
        for (Map<String, Object> bad : List.of(Map.<String, Object>of("udp.port", "70000"),
                Map.<String, Object>of("tls.port", "5060", "tcp.port", "5060"),
                Map.<String, Object>of("threads", "many"), Map.<String, Object>of("domain", "bad domain!"),
                Map.<String, Object>of("udp.enabled", "false", "tcp.enabled", "false", "tls.enabled", "false", "ws.enabled", "false", "wss.enabled", "false"),
                Map.<String, Object>of("keystore", "/x.p12"), Map.<String, Object>of("host", "a b"))) {
            SipSettings.InvalidSettingException e =
                    assertThrows(SipSettings.InvalidSettingException.class, () -> SipSettings.parse(bad), bad.toString());
            assertTrue(bad.containsKey(e.key()) || e.key().equals("keystore.password"), e.getMessage());
        }
        SipSettings d = SipSettings.defaults();
        assertEquals(5060, d.udpPort());
        assertEquals(5061, d.tlsPort());
        assertEquals("patchbay.local", d.domain());
    }

    private Request newOptions(int peerPort) throws Exception {
        var af = runtime.addressFactory();
        var hf = runtime.headerFactory();
        SipURI target = af.createSipURI("peer", "127.0.0.1");
        target.setPort(peerPort);
        Address from = af.createAddress(af.createSipURI("node", runtime.advertisedHost()));
        FromHeader fromH = hf.createFromHeader(from, "t1");
        ToHeader toH = hf.createToHeader(af.createAddress(target), null);
        CallIdHeader callId = runtime.provider("udp").orElseThrow().getNewCallId();
        CSeqHeader cseq = hf.createCSeqHeader(1L, Request.OPTIONS);
        SipURI local = runtime.localUri("udp");
        ViaHeader via = hf.createViaHeader(local.getHost(), local.getPort(), "udp", null);
        MaxForwardsHeader mf = hf.createMaxForwardsHeader(70);
        return runtime.messageFactory().createRequest(target, Request.OPTIONS, callId, cseq, fromH, toH, List.of(via),
                mf);
    }

    /** Via, From, To (with a tag), Call-ID and CSeq of a request, as a UAS copies them into its response. */
    private static String headerLines(String request) {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("Via", "From", "To", "Call-ID", "CSeq")) {
            String v = RawSip.header(request, name);
            sb.append(name).append(": ").append(v).append(name.equals("To") ? ";tag=uas1" : "").append("\r\n");
        }
        return sb.toString();
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

}
