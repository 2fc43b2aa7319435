package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.patchbay.itests.e2e.BrowserCallChecks.accepts;
import static org.patchbay.itests.e2e.BrowserCallChecks.number;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.patchbay.itests.e2e.browser.AgentServer;
import org.patchbay.itests.e2e.browser.Chromium;
import org.patchbay.itests.e2e.browser.NetNs;
import org.patchbay.itests.e2e.browser.Page;

/**
 * A browser (JsSIP 3.10 in headless Chromium, over ws) and a desk phone (baresip, plain RTP, PCMU) call each other
 * through the node, which anchors the media: ICE-lite, DTLS-SRTP and SRTP towards the browser, plain RTP towards the
 * phone. Two-way audio is checked on both ends: the page's {@code getStats()} shows the phone's tone arriving
 * (inbound-rtp packets and audio energy), the phone's recording holds the browser's fake-microphone beep. Each side
 * hangs up once.
 *
 * <p>Must run in a loopback-only network namespace (Chromium would otherwise offer and pick non-loopback candidates):
 * the {@code browser-media} failsafe execution of this module runs it with {@code netns/bin/java}; outside such a
 * namespace every test is skipped with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class BrowserMediaIT {
    private static final String DOMAIN = "media.web.test";
    private static final long EVENT_MILLIS = 10_000;
    private static final double PHONE_HZ = 1000;

    private String skip;
    private AgentServer server;
    private Distribution node;
    private Chromium chromium;
    private Page page;
    private Baresip phone;

    @BeforeAll
    void start() throws Exception {
        skip = BrowserCallChecks.mediaSkipReason();
        if (skip != null) {
            System.err.println("BrowserMediaIT skipped: " + skip);
            return;
        }
        server = AgentServer.start();
        node = Distribution.copy("browser-media");
        node.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + node.sip, "tcp.port",
                "" + node.sip, "tls.port", "" + node.sipTls, "domain", DOMAIN, "ws.port", "" + node.ws, "wss.port",
                "" + node.wss));
        node.start();
        BrowserCallChecks.addUsers(node, DOMAIN, "alice", "bob", "carol");
        assertTrue(Distribution.waitFor(20_000, () -> accepts(node.ws)), "ws listening");
        page = server.page("media");
        chromium = Chromium.open(node.home.resolve("browser"), page, 30_000);
        page.eval("agent.jssip('alice', {url: " + Page.js("ws://127.0.0.1:" + node.ws + "/ws") + ", uri: "
                + Page.js("sip:alice@" + DOMAIN) + ", password: 'alice-secret-1', register: true,"
                + " register_expires: 300}).start();"
                + "agent.objects.alice.on('newRTCSession', d => { if (d.originator === 'remote') {"
                + "  agent.watch(d.session); d.session.answer({mediaConstraints: {audio: true, video: false}}); } });",
                EVENT_MILLIS);
        event("alice.registered");
    }

    @BeforeEach
    void skipUnlessReady() {
        assumeTrue(skip == null, skip);
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (node != null && node.process() != null && node.process().isAlive()) {
            node.process().destroy();
            if (!node.process().waitFor(30, TimeUnit.SECONDS)) {
                node.kill9();
            }
        }
        if (server != null) {
            server.close();
        }
    }

    private void stopPhone() throws InterruptedException {
        if (phone != null) {
            phone.close();
        }
    }

    @Test
    void browserCallsPhoneWithAudioBothWaysAndHangsUp() throws Exception {
        try {
            phone = phone("bob");
            page.eval("const s = agent.objects.alice.call('sip:bob@" + DOMAIN + "', {mediaConstraints: "
                    + "{audio: true, video: false}, pcConfig: {iceServers: []}}); agent.watch(s);", EVENT_MILLIS);
            assertNotNull(phone.waitEvent("CALL_ESTABLISHED", EVENT_MILLIS), () -> "phone: no call\n" + diagnostics());
            event("call.confirmed");
            assertBrowserHearsPhone();
            // DTMF from the browser both ways JsSIP sends it: RFC 4733 in the SRTP stream (relayed), and SIP INFO,
            // which the node turns into RFC 4733 for the phone
            page.eval("agent.objects.call.sendDTMF('5', {transportType: 'RFC2833', duration: 160});", EVENT_MILLIS);
            assertTrue(Distribution.waitFor(5_000, () -> phone.output().contains("received event: '5'")),
                    () -> "phone: no RFC 4733 event '5'\n" + diagnostics());
            page.eval("agent.objects.call.sendDTMF('7', {transportType: 'INFO', duration: 160});", EVENT_MILLIS);
            assertTrue(Distribution.waitFor(5_000, () -> phone.output().contains("received event: '7'")),
                    () -> "phone: INFO '7' did not arrive as RFC 4733\n" + diagnostics());
            page.eval("agent.objects.call.terminate();", EVENT_MILLIS);
            event("call.ended");
            assertNotNull(phone.waitEvent("CALL_CLOSED", EVENT_MILLIS), () -> "phone: BYE missing\n" + diagnostics());
            phone.close();
            assertPhoneHeardBrowser();
        } finally {
            stopPhone();
        }
    }

    @Test
    void phoneCallsBrowserWithAudioBothWaysAndHangsUp() throws Exception {
        try {
            phone = phone("carol");
            JsonObject dial = phone.command("dial", "sip:alice@" + DOMAIN);
            assertTrue(dial.get("ok").getAsBoolean(), () -> "dial refused: " + dial);
            event("call.confirmed");
            assertNotNull(phone.waitEvent("CALL_ESTABLISHED", EVENT_MILLIS), () -> "phone: no call\n" + diagnostics());
            assertBrowserHearsPhone();
            // the phone sends RFC 4733; Chromium does not hand that to the page, the node's SIP INFO copy does
            JsonObject key = phone.command("sndcode", "5");
            assertTrue(key.get("ok").getAsBoolean(), () -> "sndcode refused: " + key);
            JsonObject dtmf = page.await(e -> e.get("type").getAsString().equals("call.dtmf")
                    && e.getAsJsonObject("data").get("originator").getAsString().equals("remote"), EVENT_MILLIS);
            assertNotNull(dtmf, () -> "page: no DTMF from the phone; events " + page.events() + "\n" + diagnostics());
            assertEquals("5", dtmf.getAsJsonObject("data").get("tone").getAsString(), dtmf.toString());
            JsonObject hangup = phone.command("hangup", null);
            assertTrue(hangup.get("ok").getAsBoolean(), () -> "hangup refused: " + hangup);
            JsonObject ended = event("call.ended");
            assertEquals("remote", ended.getAsJsonObject("data").get("originator").getAsString(), ended.toString());
            phone.close();
            assertPhoneHeardBrowser();
        } finally {
            stopPhone();
        }
    }

    private Baresip phone(String user) throws Exception {
        Path dir = node.home.resolve("phone-" + user);
        Files.createDirectories(dir);
        Path tone = dir.resolve("tone.wav");
        Tones.writeSine(tone, PHONE_HZ, 8000, 30);
        Baresip b = Baresip.start(dir, user, user + "-secret-1", DOMAIN, node.sip, tone);
        phone = b; // stopped by the test's finally, also when it does not register
        assertTrue(b.waitRegistered(10_000) && b.registered(), () -> user + " did not register\n" + b.output());
        b.connect();
        return b;
    }

    /** The page's inbound audio: more than 100 packets and audio energy (the phone's tone), within 10 s. */
    private void assertBrowserHearsPhone() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonElement stats = null;
        while (System.nanoTime() < end) {
            stats = page.eval("return await agent.audioStats();", EVENT_MILLIS);
            JsonObject in = stats.isJsonObject() && stats.getAsJsonObject().has("in")
                    ? stats.getAsJsonObject().getAsJsonObject("in") : null;
            if (in != null && in.get("packetsReceived").getAsLong() > 100
                    && (number(in, "audioLevel") > 0 || number(in, "totalAudioEnergy") > 0)) {
                System.out.println("BrowserMediaIT: browser stats " + stats);
                String calls = cli("pb:calls -v");
                System.out.println("pb:calls -v during the call:\n" + calls);
                Thread.sleep(1500); // enough of the browser's beep (on ~30 % of the time) for the phone's recording
                return;
            }
            Thread.sleep(250);
        }
        JsonElement last = stats;
        throw new AssertionError("browser does not hear the phone: " + last + "\n" + diagnostics());
    }

    /** The phone's recording holds the browser's fake-microphone beep: 100 ms windows with int16 RMS > 200. */
    private void assertPhoneHeardBrowser() throws Exception {
        Path rec = phone.recording();
        assertNotNull(rec, () -> "phone recorded nothing\n" + diagnostics());
        BrowserCallChecks.Loudness heard = BrowserCallChecks.loudness(rec, 200);
        String what = "phone recording " + rec.getFileName() + ": " + heard + " with RMS > 200";
        System.out.println("BrowserMediaIT: " + what);
        assertTrue(heard.loud() >= 5, () -> what + "\n" + diagnostics());
    }

    private JsonObject event(String type) throws InterruptedException {
        JsonObject e = page.await(type, EVENT_MILLIS);
        assertNotNull(e, () -> "event " + type + " within " + EVENT_MILLIS + " ms; events so far: " + page.events()
                + "\n" + diagnostics());
        return e;
    }

    private String cli(String command) {
        return BrowserCallChecks.cli(node, command);
    }

    private String diagnostics() {
        return BrowserCallChecks.diagnostics(node, phone, chromium);
    }
}
