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
 * Calls through the real distribution between SIPp peers: every callee registers with digest authentication, the
 * caller's INVITE is challenged (407), and each outcome must end in the CDR that pb:cdr shows, with nothing left live.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallIT {
    static final String DOMAIN = "call.test";
    private static final String PASSWORD = "call-secret-1";

    private Distribution node;
    private Path work;
    private Path caller;
    private final AtomicInteger callees = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        node = Distribution.copy("calls");
        node.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + node.sip, "tcp.port",
                "" + node.sip, "tls.port", "" + node.sipTls, "domain", DOMAIN));
        node.writeConf("org.patchbay.core.calls.cfg", Map.of("ring.timeout.seconds", "3"));
        node.start();
        work = Files.createDirectories(node.home.resolve("sipp"));
        createUser("alice");
        caller = work.resolve("alice.csv");
        Files.writeString(caller, "SEQUENTIAL\nalice;[authentication username=alice password=" + PASSWORD + "];" + DOMAIN + "\n");
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
    void answeredCallHungUpByTheCaller() throws Exception {
        call("uac_call.xml", "uas_answer.xml", "200 +normal +caller");
    }

    @Test
    void calleeHangsUp() throws Exception {
        call("uac_wait_bye.xml", "uas_bye.xml", "200 +normal +callee");
    }

    @Test
    void busyCallee() throws Exception {
        call("uac_busy.xml", "uas_busy.xml", "- +486 +busy +callee");
    }

    @Test
    void callerCancels() throws Exception {
        call("uac_cancel.xml", "uas_ring.xml", "- +487 +cancelled +caller");
    }

    @Test
    void nobodyAnswersWithinTheRingTimeout() throws Exception {
        call("uac_480.xml", "uas_ring.xml", "- +480 +no-answer +system");
    }

    @Test
    void holdAndResumeWithReInvite() throws Exception {
        call("uac_hold.xml", "uas_hold.xml", "200 +normal +caller");
    }

    @Test
    void unknownUserIs404() throws Exception {
        try (Sipp uac = uac("uac_404.xml", "nobody")) {
            assertEquals(0, uac.await(30), uac.output());
        }
        assertCdr("nobody@" + DOMAIN, "- +404 +not-found +system");
    }

    @Test
    void registeredUserWithoutContactIs480() throws Exception {
        createUser("nocontact");
        try (Sipp uac = uac("uac_480.xml", "nocontact")) {
            assertEquals(0, uac.await(30), uac.output());
        }
        assertCdr("nocontact@" + DOMAIN, "- +480 +unavailable +system");
    }

    @Test
    void bothDevicesRingAndTheOneThatDoesNotAnswerIsCancelledWithReason() throws Exception {
        String callee = newCallee();
        int ringing = register(callee, "u1");
        int answering = register(callee, "u1");
        try (Sipp other = Sipp.start(work, ringing, "uas_ring_elsewhere.xml", null, "-m", "1", "-timeout", "30",
                "-timeout_error");
                Sipp uas = Sipp.start(work, answering, "uas_answer.xml", null, "-m", "1", "-timeout", "30",
                        "-timeout_error")) {
            Thread.sleep(200);
            try (Sipp uac = uac("uac_call.xml", callee)) {
                assertEquals(0, uac.await(30), "caller: " + uac.output());
            }
            assertEquals(0, uas.await(30), "answering device: " + uas.output());
            assertEquals(0, other.await(30), "other device: " + other.output());
        }
        assertCdr(callee + "@" + DOMAIN, "200 +normal +caller +3");
    }

    /** The callee registers over TCP (a connection that then closes) for a Contact with transport=tcp it listens on. */
    @Test
    void calleeReachedOverTcp() throws Exception {
        String callee = newCallee();
        int port = Distribution.freePort();
        try (Sipp reg = Sipp.start(work, 0, "register_auth_contact.xml", "127.0.0.1:" + node.sip, "-t", "t1", "-key",
                "contact_port", "" + port, "-inf", work.resolve(callee + ".csv").toString(), "-m", "1", "-timeout", "15",
                "-timeout_error")) {
            assertEquals(0, reg.await(20), reg.output());
        }
        // tn: answer on the connection a request came in on (jain-sip may open a second connection while connecting)
        try (Sipp uas = Sipp.start(work, port, "uas_answer.xml", null, "-t", "tn", "-max_socket", "100", "-m", "1", "-timeout", "30",
                "-timeout_error")) {
            Thread.sleep(200);
            try (Sipp uac = uac("uac_call.xml", callee)) {
                assertEquals(0, uac.await(30), "caller: " + uac.output());
            }
            assertEquals(0, uas.await(30), "callee: " + uas.output());
        }
        assertCdr(callee + "@" + DOMAIN, "200 +normal +caller");
    }

    @Test
    void operatorHangsUpALiveCall() throws Exception {
        String callee = newCallee();
        int port = register(callee, "u1");
        try (Sipp uas = Sipp.start(work, port, "uas_answer.xml", null, "-m", "1", "-timeout", "30", "-timeout_error")) {
            Thread.sleep(200);
            try (Sipp uac = uac("uac_wait_bye.xml", callee)) {
                assertTrue(Distribution.waitFor(10_000, () -> cli("pb:calls").contains(callee + "@" + DOMAIN)),
                        cli("pb:calls"));
                String row = cli("pb:calls").lines().filter(l -> l.contains(callee + "@")).findFirst().orElseThrow()
                        .strip();
                assertTrue(row.matches("\\S+ +alice@" + DOMAIN + " +" + callee + "@" + DOMAIN
                        + " +answered +\\d+ s +sip:answered@127\\.0\\.0\\.1:\\d+, sip:answered@127\\.0\\.0\\.1:" + port), row);
                String id = row.split(" +")[0];
                String answer = cli("pb:hangup " + id);
                assertTrue(answer.endsWith("hanging up call " + id), answer);
                assertEquals(0, uac.await(30), "caller got BYE: " + uac.output());
            }
            assertEquals(0, uas.await(30), "callee got BYE: " + uas.output());
        }
        assertCdr(callee + "@" + DOMAIN, "200 +admin +system");
        assertTrue(cli("pb:hangup nosuchcall").contains("no live call 'nosuchcall'"));
    }

    private String newCallee() throws Exception {
        String callee = "bob" + callees.incrementAndGet();
        createUser(callee);
        Files.writeString(work.resolve(callee + ".csv"), "SEQUENTIAL\n" + callee + ";[authentication username=" + callee
                + " password=" + PASSWORD + "];" + DOMAIN + "\n");
        return callee;
    }

    /** Registers {@code callee} (digest) from a fresh port over SIPp transport {@code u1} or {@code t1}; returns the port. */
    private int register(String callee, String transport) throws Exception {
        try (Sipp reg = Sipp.start(work, 0, "register_auth.xml", "127.0.0.1:" + node.sip, "-t", transport, "-inf",
                work.resolve(callee + ".csv").toString(), "-m", "1", "-timeout", "15", "-timeout_error")) {
            assertEquals(0, reg.await(20), reg.output());
            return reg.port;
        }
    }

    /** A fresh callee user registered (digest) from the port its UAS scenario then runs on; asserts the CDR. */
    private void call(String uacScenario, String uasScenario, String cdr) throws Exception {
        String callee = newCallee();
        int port = register(callee, "u1");
        try (Sipp uas = Sipp.start(work, port, uasScenario, null, "-m", "1", "-timeout", "30", "-timeout_error")) {
            Thread.sleep(200);
            try (Sipp uac = uac(uacScenario, callee)) {
                assertEquals(0, uac.await(30), "caller: " + uac.output());
            }
            assertEquals(0, uas.await(30), "callee: " + uas.output());
        }
        assertCdr(callee + "@" + DOMAIN, cdr);
    }

    private Sipp uac(String scenario, String callee) throws Exception {
        return Sipp.start(work, 0, scenario, "127.0.0.1:" + node.sip, "-inf", caller.toString(), "-s", callee, "-m",
                "1", "-d", "300", "-timeout", "30", "-timeout_error");
    }

    /** The newest record is this call's, with the expected code, reason and side; and nothing is left live. */
    private void assertCdr(String callee, String expected) {
        assertTrue(Distribution.waitFor(5_000, () -> cli("pb:cdr 1").contains(callee)), cli("pb:cdr 3"));
        String row = cli("pb:cdr 1").split("\n")[1].strip();
        assertTrue(row.matches(".*alice@" + DOMAIN + " +" + callee + " +.*" + expected + "( +\\d+)?"), row);
        // only this call: a failure of another test must not fail this one
        assertTrue(Distribution.waitFor(5_000, () -> !cli("pb:calls").contains(callee)), cli("pb:calls"));
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
