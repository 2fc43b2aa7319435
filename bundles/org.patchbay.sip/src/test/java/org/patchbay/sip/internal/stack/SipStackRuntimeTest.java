package org.patchbay.sip.internal.stack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipRequestHandler;

/** The stack on real sockets, outside OSGi: dispatch, default answers, response routing. */
class SipStackRuntimeTest {

    static {
        RawSip.quietStack();
    }

    private final HandlerRegistry handlers = new HandlerRegistry();
    private SipStackRuntime runtime;
    private int port;
    private DatagramSocket client;

    @BeforeEach
    void start() throws Exception {
        port = RawSip.freePort();
        SipSettings s = SipSettings.parse(Map.of("host", "127.0.0.1", "udp.port", port, "tcp.port", port,
                "tls.enabled", "false", "ws.enabled", "false", "wss.enabled", "false"));
        runtime = new SipStackRuntime(s, null, handlers, () -> null);
        runtime.start();
        client = new DatagramSocket(0, RawSip.LOOPBACK);
    }

    @AfterEach
    void stop() {
        client.close();
        runtime.stop();
    }

    @Test
    void optionsWithoutHandlerIs200OverUdpAndTcp() throws Exception {
        List<String> r = RawSip.udp(client, port, RawSip.options("udp", client.getLocalPort(), port).getBytes(UTF_8), 2000);
        assertEquals(200, RawSip.finalStatus(r), r.toString());
        assertNotNull(RawSip.header(r.get(0), "Allow"), r.get(0));
        List<String> t = RawSip.tcp(port, RawSip.options("tcp", 5999, port).getBytes(UTF_8), 2000);
        assertEquals(200, RawSip.finalStatus(t), t.toString());
    }

    @Test
    void dispatchesByMethodToTheHighestRankedHandler() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        SipRequestHandler low = ex -> {
            seen.add("low");
            ex.respond(202);
        };
        SipRequestHandler high = ex -> {
            seen.add("high:" + ex.transport() + ":" + ex.source().getPort());
            ex.respond(200);
        };
        handlers.add(low, Map.of(SipRequestHandler.METHODS, "MESSAGE", "service.ranking", 0, "service.id", 1L));
        handlers.add(high, Map.of(SipRequestHandler.METHODS, new String[] {"MESSAGE", "INFO"}, "service.ranking", 10,
                "service.id", 2L));
        List<String> r = RawSip.udp(client, port,
                RawSip.request("MESSAGE", "udp", client.getLocalPort(), port, "").getBytes(UTF_8), 2000);
        assertEquals(200, RawSip.finalStatus(r), r.toString());
        assertEquals(List.of("high:udp:" + client.getLocalPort()), seen);
        assertNotNull(RawSip.header(r.get(0), "To"));
        assertTrue(RawSip.header(r.get(0), "To").contains("tag="), r.get(0));
    }

    @Test
    void unhandledMethodIs405WithAllow() throws Exception {
        handlers.add(ex -> ex.respond(200), Map.of(SipRequestHandler.METHODS, "MESSAGE"));
        List<String> r = RawSip.udp(client, port,
                RawSip.request("SUBSCRIBE", "udp", client.getLocalPort(), port, "Event: presence\r\n").getBytes(UTF_8), 2000);
        assertEquals(405, RawSip.finalStatus(r), r.toString());
        String allow = String.join(",", r.get(0).lines().filter(l -> l.startsWith("Allow")).toList());
        assertTrue(allow.contains("MESSAGE") && allow.contains("OPTIONS"), allow);
    }

    @Test
    void handlerExceptionIs500AndTheStackSurvives() throws Exception {
        handlers.add((SipExchange ex) -> {
            throw new IllegalStateException("boom");
        }, Map.of(SipRequestHandler.METHODS, "INFO"));
        List<String> r = RawSip.udp(client, port,
                RawSip.request("INFO", "udp", client.getLocalPort(), port, "").getBytes(UTF_8), 2000);
        assertEquals(500, RawSip.finalStatus(r), r.toString());
        List<String> ok = RawSip.udp(client, port, RawSip.options("udp", client.getLocalPort(), port).getBytes(UTF_8), 2000);
        assertEquals(200, RawSip.finalStatus(ok));
    }
}
