package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SIP over WebSocket (RFC 7118) through the real distribution: a JsSIP-like phone ({@link WsPhone}) registers over ws
 * and wss with digest authentication and calls, or is called by, a SIPp phone over UDP; a dropped connection ends its
 * call after the grace period unless the phone reconnects and registers again in time (RFC 5626 flow recovery).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSocketIT {
    static final String DOMAIN = "ws.test";
    private static final String PASSWORD = "ws-secret-1";
    private static final int GRACE = 3;

    private Distribution node;
    private Path work;
    private Path alice;
    private final AtomicInteger users = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        node = Distribution.copy("websocket");
        node.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + node.sip, "tcp.port",
                "" + node.sip, "tls.port", "" + node.sipTls, "ws.port", "" + node.ws, "wss.port", "" + node.wss,
                "domain", DOMAIN, "ws.flow.grace", "" + GRACE));
        node.start();
        work = Files.createDirectories(node.home.resolve("sipp"));
        createUser("alice");
        alice = work.resolve("alice.csv");
        Files.writeString(alice, "SEQUENTIAL\nalice;[authentication username=alice password=" + PASSWORD + "];"
                + DOMAIN + "\n");
        assertTrue(Distribution.waitFor(20_000, () -> cli("pb:calls").contains("0 live calls")),
                "call service up; output:\n" + String.join("\n", node.output()));
    }

    @AfterAll
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void registersOverWsAndWss() throws Exception {
        String ws = newUser();
        String wss = newUser();
        try (WsPhone a = phone(ws, false); WsPhone b = phone(wss, true)) {
            assertEquals(200, a.register(600));
            assertEquals(200, b.register(600));
            String sip = cli("pb:sip");
            assertTrue(sip.contains("WS ") && sip.contains("WSS "), sip);
            assertTrue(sip.contains("websocket connections: ws 1, wss 1"), sip);
        }
    }

    @Test
    void sippCallsTheBrowserAndHangsUp() throws Exception {
        String bob = newUser();
        try (WsPhone phone = phone(bob, false)) {
            assertEquals(200, phone.register(600));
            try (Sipp uac = uac("uac_call.xml", bob, 300)) {
                phone.answer(10);
                phone.awaitBye(10);
                assertEquals(0, uac.await(30), "caller: " + uac.output());
            }
        }
        assertCdr(bob, "200 +normal +caller");
    }

    @Test
    void browserCallsSippAndHangsUp() throws Exception {
        String carol = newUser();
        String caller = newUser();
        int port = register(carol);
        try (Sipp uas = Sipp.start(work, port, "uas_answer.xml", null, "-m", "1", "-timeout", "30", "-timeout_error");
                WsPhone phone = phone(caller, true)) {
            Thread.sleep(200);
            assertEquals(200, phone.register(600));
            assertEquals(200, phone.call(carol));
            assertEquals(200, phone.refresh(), "JsSIP's session refresh (UPDATE without SDP) is answered");
            assertEquals(200, phone.bye());
            assertEquals(0, uas.await(30), "callee: " + uas.output());
        }
        assertCdr(carol, "200 +normal +caller");
    }

    @Test
    void droppedConnectionEndsTheCallAfterTheGracePeriod() throws Exception {
        String bob = newUser();
        try (WsPhone phone = phone(bob, false)) {
            assertEquals(200, phone.register(600));
            try (Sipp uac = uac("uac_wait_bye.xml", bob, 0)) {
                phone.answer(10);
                long dropped = System.nanoTime();
                phone.drop();
                assertTrue(Distribution.waitFor(5_000, () -> !cli("pb:regs").contains(bob + "@")),
                        "its registration goes with the connection: " + cli("pb:regs"));
                assertEquals(0, uac.await(30), "caller gets a BYE: " + uac.output());
                long waited = (System.nanoTime() - dropped) / 1_000_000;
                assertTrue(waited >= GRACE * 1000 - 200, "BYE only after the grace period, came after " + waited + " ms");
            }
        }
        assertCdr(bob, "200 +lost +callee");
    }

    @Test
    void reconnectingWithinTheGracePeriodKeepsTheCall() throws Exception {
        String bob = newUser();
        try (WsPhone phone = phone(bob, false)) {
            assertEquals(200, phone.register(600));
            try (Sipp uac = uac("uac_call.xml", bob, (GRACE + 3) * 1000)) {
                phone.answer(10);
                phone.drop();
                phone.connect();
                assertEquals(200, phone.register(600));
                Thread.sleep((GRACE + 1) * 1000L);
                assertTrue(cli("pb:calls").contains(bob + "@"), "the call outlives the grace period: " + cli("pb:calls"));
                phone.awaitBye(10);
                assertEquals(0, uac.await(30), "caller: " + uac.output());
            }
        }
        assertCdr(bob, "200 +normal +caller");
    }

    private WsPhone phone(String user, boolean secure) throws Exception {
        String url = secure ? "wss://127.0.0.1:" + node.wss + "/ws" : "ws://127.0.0.1:" + node.ws + "/ws";
        return new WsPhone(url, user, DOMAIN, PASSWORD);
    }

    private String newUser() throws Exception {
        String user = "ws" + users.incrementAndGet();
        createUser(user);
        Files.writeString(work.resolve(user + ".csv"), "SEQUENTIAL\n" + user + ";[authentication username=" + user
                + " password=" + PASSWORD + "];" + DOMAIN + "\n");
        return user;
    }

    /** Registers {@code user} (digest) over UDP from a fresh port; returns the port. */
    private int register(String user) throws Exception {
        try (Sipp reg = Sipp.start(work, 0, "register_auth.xml", "127.0.0.1:" + node.sip, "-t", "u1", "-inf",
                work.resolve(user + ".csv").toString(), "-m", "1", "-timeout", "15", "-timeout_error")) {
            assertEquals(0, reg.await(20), reg.output());
            return reg.port;
        }
    }

    private Sipp uac(String scenario, String callee, int pauseMillis) throws Exception {
        return Sipp.start(work, 0, scenario, "127.0.0.1:" + node.sip, "-inf", alice.toString(), "-s", callee, "-m",
                "1", "-d", "" + pauseMillis, "-timeout", "30", "-timeout_error");
    }

    private void assertCdr(String callee, String expected) {
        String who = callee + "@" + DOMAIN;
        assertTrue(Distribution.waitFor(5_000, () -> cli("pb:cdr 1").contains(who)), cli("pb:cdr 3"));
        String row = cli("pb:cdr 1").split("\n")[1].strip();
        assertTrue(row.matches(".*@" + DOMAIN + " +" + who + " +.*" + expected + "( +\\d+)?"), row);
        assertTrue(Distribution.waitFor(5_000, () -> !cli("pb:calls").contains(who)), cli("pb:calls"));
    }

    private void createUser(String user) throws Exception {
        var r = node.api("POST", "/users", "{\"user\":\"" + user + "@" + DOMAIN + "\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(201, r.statusCode(), r.body());
    }

    private String cli(String command) {
        try (Telnet t = new Telnet(node.telnet)) {
            return t.run(command);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
