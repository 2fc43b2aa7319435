package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.patchbay.itests.e2e.BrowserCallChecks.accepts;
import static org.patchbay.itests.e2e.BrowserCallChecks.number;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.patchbay.itests.e2e.browser.AgentServer;
import org.patchbay.itests.e2e.browser.Chromium;
import org.patchbay.itests.e2e.browser.NetNs;
import org.patchbay.itests.e2e.browser.Page;

/**
 * The rest of the browser media matrix, next to {@link BrowserMediaIT} (JsSIP ↔ baresip): SIP.js ↔ baresip with
 * two-way audio, DTMF (SIP.js's INFO dtmf-relay becomes RFC 4733 for the phone, the phone's RFC 4733 reaches SIP.js
 * as INFO) and hang-up from each side; JsSIP and SIP.js in two Chromium processes calling each other through the
 * node (two DTLS-SRTP legs, audio and RTCP checked on both pages, INFO DTMF both ways, hold/resume, hang-up from each
 * side); hold and resume from the browser and from the phone; a browser killed mid-call (the tab gone without BYE):
 * its binding goes at once, the phone (or, in a browser-to-browser call, the other browser) gets a BYE after
 * {@code ws.flow.grace} and the call record says {@code lost}.
 *
 * <p>One node, one baresip (bob) and two Chromium processes (JsSIP alice over wss, SIP.js dave over ws) serve every
 * test; each killed tab is a Chromium of its own (JsSIP erin, frank, over ws). Runs in the loopback-only network
 * namespace of the {@code browser-media} failsafe execution, like {@link BrowserMediaIT}; elsewhere every test is
 * skipped with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(90)
class BrowserMediaCallsIT {
    private static final String DOMAIN = "calls.web.test";
    private static final long EVENT_MILLIS = 10_000;
    private static final double PHONE_HZ = 1000;
    /** ws.flow.grace of the test node: how long a call waits for a vanished browser to come back. */
    private static final int GRACE = 2;
    /** More of the browser's beep (on ~30 % of the time) for the phone's recording before a call ends. */
    private static final long RECORD_MILLIS = 1000;
    /** JsSIP's hold and unhold; its hold event comes at once, the callback once the re-INVITE's answer is applied. */
    private static final String HOLD = "await new Promise(done => agent.objects.call.hold({}, done));";
    private static final String UNHOLD = "await new Promise(done => agent.objects.call.unhold({}, done));";

    private String skip;
    private AgentServer server;
    private Distribution node;
    private Chromium jssipBrowser;
    private Chromium sipjsBrowser;
    private Page jssip;
    private Page sipjs;
    private Baresip phone;

    @BeforeAll
    void start() throws Exception {
        skip = BrowserCallChecks.mediaSkipReason();
        if (skip != null) {
            System.err.println("BrowserMediaCallsIT skipped: " + skip);
            return;
        }
        long started = System.nanoTime();
        server = AgentServer.start();
        node = Distribution.copy("browser-calls");
        node.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + node.sip, "tcp.port",
                "" + node.sip, "tls.port", "" + node.sipTls, "domain", DOMAIN, "ws.port", "" + node.ws, "wss.port",
                "" + node.wss, "ws.flow.grace", "" + GRACE));
        node.start();
        long nodeUp = System.nanoTime();
        BrowserCallChecks.addUsers(node, DOMAIN, "alice", "bob", "dave", "erin", "frank");
        assertTrue(Distribution.waitFor(20_000, () -> accepts(node.ws)), "ws listening");
        jssip = server.page("jssip");
        jssipBrowser = Chromium.open(node.home.resolve("browser-jssip"), jssip, 30_000);
        jssipUa(jssip, "alice", "wss://127.0.0.1:" + node.wss + "/ws"); // the others on ws: both transports in calls
        sipjs = server.page("sipjs");
        sipjsBrowser = Chromium.open(node.home.resolve("browser-sipjs"), sipjs, 30_000);
        sipjs.eval("const s = await agent.sipjs('dave', {url: " + Page.js(wsUrl()) + ", uri: 'sip:dave@" + DOMAIN
                + "', user: 'dave', password: 'dave-secret-1', answer: true}); await s.registerer.register();",
                EVENT_MILLIS);
        assertNotNull(sipjs.await(e -> e.get("type").getAsString().equals("dave.registerer")
                && e.getAsJsonObject("data").get("state").getAsString().equals("Registered"), EVENT_MILLIS),
                () -> "SIP.js dave did not register: " + sipjs.events());
        Path dir = Files.createDirectories(node.home.resolve("phone-bob"));
        Path tone = dir.resolve("tone.wav");
        Tones.writeSine(tone, PHONE_HZ, 8000, 30);
        phone = Baresip.start(dir, "bob", "bob-secret-1", DOMAIN, node.sip, tone);
        assertTrue(phone.waitRegistered(10_000) && phone.registered(), () -> "bob did not register\n" + phone.output());
        phone.connect();
        System.out.println("BrowserMediaCallsIT: node up in " + millis(started, nodeUp) + " ms, browsers and phone ready "
                + millis(nodeUp, System.nanoTime()) + " ms later");
    }

    private static long millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    @BeforeEach
    void skipUnlessReady() {
        assumeTrue(skip == null, skip);
    }

    @AfterAll
    void stop() throws Exception {
        long stopping = System.nanoTime();
        List<CompletableFuture<Void>> closing = new ArrayList<>(); // each may take seconds: side by side
        for (AutoCloseable c : new AutoCloseable[] {phone, jssipBrowser, sipjsBrowser}) {
            if (c != null) {
                closing.add(CompletableFuture.runAsync(() -> {
                    try {
                        c.close();
                    } catch (Exception e) {
                        System.err.println("BrowserMediaCallsIT: closing " + c + ": " + e);
                    }
                }));
            }
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).join();
        long nodeStop = System.nanoTime();
        if (node != null && node.process() != null && node.process().isAlive()) {
            node.process().destroy();
            if (!node.process().waitFor(30, TimeUnit.SECONDS)) {
                node.kill9();
            }
            System.out.println("BrowserMediaCallsIT: phone and browsers stopped in " + millis(stopping, nodeStop)
                    + " ms, node in " + millis(nodeStop, System.nanoTime()) + " ms");
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void sipJsCallsPhoneWithAudioBothWaysDtmfAndHangsUp() throws Exception {
        int mark = phone.mark();
        sipjs.eval("return await agent.sipjsCall('dave', 'sip:bob@" + DOMAIN + "');", EVENT_MILLIS);
        phoneEvent("CALL_ESTABLISHED", mark);
        event(sipjs, "call.confirmed");
        hears(sipjs, "the phone");
        // SIP.js sends DTMF only as INFO (application/dtmf-relay): the node plays it to the phone as RFC 4733
        sipjs.eval("await agent.sipjsDtmf('4', 160);", EVENT_MILLIS);
        assertTrue(Distribution.waitFor(5_000, () -> phone.output().contains("received event: '4'")),
                () -> "phone: SIP.js INFO '4' did not arrive as RFC 4733\n" + diagnostics());
        assertFalse(phone.output().contains("received DTMF: '4'"), () -> "the INFO went to the phone too\n"
                + diagnostics());
        // and SIP.js's RTCDTMFSender (RFC 4733 in SRTP) is relayed to the phone as RTP
        sipjs.eval("if (!agent.objects.call.sessionDescriptionHandler.sendDtmf('8', {duration: 160})) "
                + "throw new Error('RTCDTMFSender refused');", EVENT_MILLIS);
        assertTrue(Distribution.waitFor(5_000, () -> phone.output().contains("received event: '8'")),
                () -> "phone: SIP.js RFC 4733 '8' did not arrive\n" + diagnostics());
        Thread.sleep(RECORD_MILLIS);
        sipjs.eval("await agent.sipjsHangup();", EVENT_MILLIS);
        assertEquals("local", event(sipjs, "call.ended").getAsJsonObject("data").get("originator").getAsString());
        phoneEvent("CALL_CLOSED", mark);
        assertPhoneHeardBrowser();
    }

    @Test
    @Order(2)
    void phoneCallsSipJsWithAudioBothWaysDtmfAndHangsUp() throws Exception {
        int mark = phone.mark();
        command("dial", "sip:dave@" + DOMAIN);
        event(sipjs, "call.confirmed");
        phoneEvent("CALL_ESTABLISHED", mark);
        hears(sipjs, "the phone");
        // the phone's RFC 4733 reaches SIP.js as INFO from the node
        command("sndcode", "6");
        JsonObject info = event(sipjs, "call.info");
        assertTrue(info.getAsJsonObject("data").get("body").getAsString().contains("Signal=6"), info.toString());
        Thread.sleep(RECORD_MILLIS);
        command("hangup", null);
        assertEquals("remote", event(sipjs, "call.ended").getAsJsonObject("data").get("originator").getAsString());
        phoneEvent("CALL_CLOSED", mark);
        assertPhoneHeardBrowser();
    }

    @Test
    @Order(3)
    void jsSipCallsSipJsInAnotherBrowserWithAudioDtmfHoldAndHangUp() throws Exception {
        jssip.eval("const s = agent.objects.alice.call('sip:dave@" + DOMAIN + "', {mediaConstraints: "
                + "{audio: true, video: false}, pcConfig: {iceServers: []}}); agent.watch(s);", EVENT_MILLIS);
        event(sipjs, "call.confirmed");
        event(jssip, "call.confirmed");
        hears(sipjs, "JsSIP's microphone");
        hears(jssip, "SIP.js's microphone");
        String calls = cli("pb:calls -v");
        System.out.println("BrowserMediaCallsIT: browser to browser, pb:calls -v:\n" + calls);
        assertTrue(calls.contains("alice@" + DOMAIN) && calls.contains("dave@" + DOMAIN), calls);
        // DTMF as INFO both ways: between two browsers the node passes it on as INFO
        jssip.eval("agent.objects.call.sendDTMF('3', {transportType: 'INFO', duration: 160});", EVENT_MILLIS);
        JsonObject info = event(sipjs, "call.info");
        assertTrue(info.getAsJsonObject("data").get("body").getAsString().contains("Signal=3"), info.toString());
        sipjs.eval("await agent.sipjsDtmf('9', 160);", EVENT_MILLIS);
        JsonObject dtmf = jssip.await(e -> e.get("type").getAsString().equals("call.dtmf")
                && e.getAsJsonObject("data").get("originator").getAsString().equals("remote"), EVENT_MILLIS);
        assertNotNull(dtmf, () -> "JsSIP: no DTMF from SIP.js; events " + jssip.events() + "\n" + diagnostics());
        assertEquals("9", dtmf.getAsJsonObject("data").get("tone").getAsString(), dtmf.toString());
        // DTMF in the media (RFC 4733 in SRTP, Chromium's RTCDTMFSender) both ways: relayed, and since a browser does
        // not hand received events to its page, also sent to the other browser's leg as INFO by the node
        jssip.eval("agent.objects.call.sendDTMF('1', {transportType: 'RFC2833', duration: 160});", EVENT_MILLIS);
        JsonObject info1 = event(sipjs, "call.info");
        assertTrue(info1.getAsJsonObject("data").get("body").getAsString().contains("Signal=1"), info1.toString());
        sipjs.eval("if (!agent.objects.call.sessionDescriptionHandler.sendDtmf('2', {duration: 160})) "
                + "throw new Error('RTCDTMFSender refused');", EVENT_MILLIS);
        JsonObject dtmf2 = jssip.await(e -> e.get("type").getAsString().equals("call.dtmf")
                && e.getAsJsonObject("data").get("originator").getAsString().equals("remote"), EVENT_MILLIS);
        assertNotNull(dtmf2, () -> "JsSIP: SIP.js's RFC 4733 '2' did not come as INFO; events " + jssip.events() + "\n"
                + diagnostics());
        assertEquals("2", dtmf2.getAsJsonObject("data").get("tone").getAsString(), dtmf2.toString());
        // JsSIP holds (sendonly towards SIP.js through both legs) and resumes
        jssip.eval(HOLD, EVENT_MILLIS);
        assertEquals("local", event(jssip, "call.hold").getAsJsonObject("data").get("originator").getAsString());
        stalled(jssip, "hold of a browser-to-browser call");
        jssip.eval(UNHOLD, EVENT_MILLIS);
        event(jssip, "call.unhold");
        flows(jssip, "SIP.js after the resume");
        // RTCP crosses the node too (SRTCP decrypted on one leg, encrypted for the other): each page has receiver
        // reports from the other one
        rtcpReports(jssip);
        rtcpReports(sipjs);
        // the callee hangs up
        sipjs.eval("await agent.sipjsHangup();", EVENT_MILLIS);
        assertEquals("local", event(sipjs, "call.ended").getAsJsonObject("data").get("originator").getAsString());
        assertEquals("remote", event(jssip, "call.ended").getAsJsonObject("data").get("originator").getAsString());
        assertTrue(Distribution.waitFor(5_000, () -> !cli("pb:calls").contains("dave@" + DOMAIN)), cli("pb:calls"));
    }

    @Test
    @Order(4)
    void sipJsCallsJsSipInAnotherBrowserWithAudioHoldAndHangUp() throws Exception {
        sipjs.eval("return await agent.sipjsCall('dave', 'sip:alice@" + DOMAIN + "');", EVENT_MILLIS);
        event(jssip, "call.confirmed");
        event(sipjs, "call.confirmed");
        hears(jssip, "SIP.js's microphone");
        hears(sipjs, "JsSIP's microphone");
        // SIP.js holds (its re-INVITE sendonly through both legs) and resumes; JsSIP is told both times
        sipjs.eval("return await agent.sipjsHold(true);", EVENT_MILLIS);
        assertEquals("remote", event(jssip, "call.hold").getAsJsonObject("data").get("originator").getAsString());
        stalled(sipjs, "SIP.js's hold");
        sipjs.eval("return await agent.sipjsHold(false);", EVENT_MILLIS);
        assertEquals("remote", event(jssip, "call.unhold").getAsJsonObject("data").get("originator").getAsString());
        flows(sipjs, "JsSIP after SIP.js's resume");
        jssip.eval("agent.objects.call.terminate();", EVENT_MILLIS);
        assertEquals("local", event(jssip, "call.ended").getAsJsonObject("data").get("originator").getAsString());
        assertEquals("remote", event(sipjs, "call.ended").getAsJsonObject("data").get("originator").getAsString());
        assertTrue(Distribution.waitFor(5_000, () -> !cli("pb:calls").contains("dave@" + DOMAIN)), cli("pb:calls"));
    }

    @Test
    @Order(5)
    void holdAndResumeFromTheBrowserAndFromThePhone() throws Exception {
        int mark = phone.mark();
        jssip.eval("const s = agent.objects.alice.call('sip:bob@" + DOMAIN + "', {mediaConstraints: "
                + "{audio: true, video: false}, pcConfig: {iceServers: []}}); agent.watch(s);", EVENT_MILLIS);
        phoneEvent("CALL_ESTABLISHED", mark);
        event(jssip, "call.confirmed");
        hears(jssip, "the phone");

        // the browser holds: re-INVITE a=sendonly through the node; the phone answers recvonly and stops sending
        jssip.eval(HOLD, EVENT_MILLIS);
        assertEquals("local", event(jssip, "call.hold").getAsJsonObject("data").get("originator").getAsString());
        stalled(jssip, "browser's hold");
        jssip.eval(UNHOLD, EVENT_MILLIS);
        assertEquals("local", event(jssip, "call.unhold").getAsJsonObject("data").get("originator").getAsString());
        flows(jssip, "the phone after the browser's resume");

        // the phone holds: the browser is told (re-INVITE sendonly) and hears nothing until the phone resumes
        command("hold", null);
        assertEquals("remote", event(jssip, "call.hold").getAsJsonObject("data").get("originator").getAsString());
        stalled(jssip, "phone's hold");
        command("resume", null);
        assertEquals("remote", event(jssip, "call.unhold").getAsJsonObject("data").get("originator").getAsString());
        flows(jssip, "the phone after its resume");
        Thread.sleep(RECORD_MILLIS); // baresip starts a new recording with the resume

        jssip.eval("agent.objects.call.terminate();", EVENT_MILLIS);
        event(jssip, "call.ended");
        phoneEvent("CALL_CLOSED", mark);
        assertPhoneHeardBrowser();
    }

    @Test
    @Order(6)
    void closedTabEndsTheCallAndRemovesTheBinding() throws Exception {
        Page tab = server.page("tab");
        Chromium browser = Chromium.open(node.home.resolve("browser-tab"), tab, 30_000);
        try {
            jssipUa(tab, "erin");
            assertTrue(cli("pb:regs").contains("erin@" + DOMAIN), cli("pb:regs"));
            int mark = phone.mark();
            tab.eval("const s = agent.objects.erin.call('sip:bob@" + DOMAIN + "', {mediaConstraints: "
                    + "{audio: true, video: false}, pcConfig: {iceServers: []}}); agent.watch(s);", EVENT_MILLIS);
            phoneEvent("CALL_ESTABLISHED", mark);
            event(tab, "call.confirmed");
            hears(tab, "the phone");
            long killed = System.nanoTime();
            browser.kill(); // no BYE, no un-REGISTER, no close frame: the WebSocket just goes
            assertTrue(Distribution.waitFor(5_000, () -> !cli("pb:regs").contains("erin@" + DOMAIN)),
                    () -> "the binding goes with the connection: " + cli("pb:regs"));
            JsonObject closed = phoneEvent("CALL_CLOSED", mark);
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.println("BrowserMediaCallsIT: phone got BYE " + waited + " ms after the browser was killed: "
                    + closed);
            assertTrue(waited >= GRACE * 1000 - 200, "BYE only after ws.flow.grace, came after " + waited + " ms");
            String who = "erin@" + DOMAIN;
            assertTrue(Distribution.waitFor(5_000, () -> cli("pb:cdr 1").contains(who)), () -> cli("pb:cdr 3"));
            String row = cli("pb:cdr 1").split("\n")[1].strip();
            System.out.println("BrowserMediaCallsIT: record of the killed tab's call: " + row);
            assertTrue(row.matches(".*" + who + " +bob@" + DOMAIN + " +.*200 +lost +caller( +\\d+)?"), row);
            assertTrue(Distribution.waitFor(5_000, () -> !cli("pb:calls").contains(who)), cli("pb:calls"));
        } finally {
            browser.close();
        }
    }

    @Test
    @Order(7)
    void closedTabEndsABrowserToBrowserCall() throws Exception {
        Page tab = server.page("tab2");
        Chromium browser = Chromium.open(node.home.resolve("browser-tab2"), tab, 30_000);
        try {
            jssipUa(tab, "frank");
            tab.eval("const s = agent.objects.frank.call('sip:dave@" + DOMAIN + "', {mediaConstraints: "
                    + "{audio: true, video: false}, pcConfig: {iceServers: []}}); agent.watch(s);", EVENT_MILLIS);
            event(sipjs, "call.confirmed");
            event(tab, "call.confirmed");
            hears(sipjs, "the doomed tab's microphone");
            long killed = System.nanoTime();
            browser.kill();
            assertTrue(Distribution.waitFor(5_000, () -> !cli("pb:regs").contains("frank@" + DOMAIN)),
                    () -> "the binding goes with the connection: " + cli("pb:regs"));
            JsonObject ended = event(sipjs, "call.ended");
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.println("BrowserMediaCallsIT: the other browser got BYE " + waited + " ms after the tab was killed");
            assertEquals("remote", ended.getAsJsonObject("data").get("originator").getAsString(), ended.toString());
            assertTrue(waited >= GRACE * 1000 - 200, "BYE only after ws.flow.grace, came after " + waited + " ms");
            String who = "frank@" + DOMAIN;
            assertTrue(Distribution.waitFor(5_000, () -> cli("pb:cdr 1").contains(who)), () -> cli("pb:cdr 3"));
            String row = cli("pb:cdr 1").split("\n")[1].strip();
            assertTrue(row.matches(".*" + who + " +dave@" + DOMAIN + " +.*200 +lost +caller( +\\d+)?"), row);
            assertTrue(Distribution.waitFor(5_000, () -> !cli("pb:calls").contains(who)), cli("pb:calls"));
        } finally {
            browser.close();
        }
    }

    private void jssipUa(Page page, String user) throws InterruptedException {
        jssipUa(page, user, wsUrl());
    }

    private void jssipUa(Page page, String user, String url) throws InterruptedException {
        page.eval("agent.jssip(" + Page.js(user) + ", {url: " + Page.js(url) + ", uri: "
                + Page.js("sip:" + user + "@" + DOMAIN) + ", password: " + Page.js(user + "-secret-1")
                + ", register: true, register_expires: 300}).start();"
                + "agent.objects." + user + ".on('newRTCSession', d => { if (d.originator === 'remote') {"
                + "  agent.watch(d.session); d.session.answer({mediaConstraints: {audio: true, video: false}}); } });",
                EVENT_MILLIS);
        event(page, user + ".registered");
    }

    private String wsUrl() {
        return "ws://127.0.0.1:" + node.ws + "/ws";
    }

    /** The page's inbound audio: more than 100 packets and audio energy (level or total above 0.01), within 10 s. */
    private void hears(Page page, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonElement stats = null;
        while (System.nanoTime() < end) {
            stats = page.eval("return await agent.audioStats();", EVENT_MILLIS);
            JsonObject in = stats.isJsonObject() && stats.getAsJsonObject().has("in")
                    ? stats.getAsJsonObject().getAsJsonObject("in") : null;
            if (in != null && in.get("packetsReceived").getAsLong() > 100
                    && (number(in, "audioLevel") > 0.01 || number(in, "totalAudioEnergy") > 0.01)) {
                System.out.println("BrowserMediaCallsIT: page " + page.id() + " hears " + what + ": " + stats);
                return;
            }
            Thread.sleep(250);
        }
        JsonElement last = stats;
        throw new AssertionError("page " + page.id() + " does not hear " + what + ": " + last + "\n" + diagnostics());
    }

    /**
     * While the call is on hold, no audio arrives at the page: no inbound-rtp at all (Chromium drops the receive
     * stream of a sendonly transceiver) or a packet count that stays the same over one second, after half a second
     * for packets in flight.
     */
    private void stalled(Page page, String what) throws Exception {
        Thread.sleep(500);
        long first = packets(page);
        Thread.sleep(1000);
        long second = packets(page);
        System.out.println("BrowserMediaCallsIT: page " + page.id() + " during the " + what + ": inbound packets "
                + first + " then " + second + " (-1: no inbound-rtp)");
        assertEquals(first, second, () -> "page " + page.id() + " still receives audio during the " + what + "\n"
                + diagnostics());
    }

    /**
     * After a resume, audio flows again: the inbound packet count grows by 50 (a receive stream recreated by the
     * resume starts again from 0) with audio energy, within 10 s.
     */
    private void flows(Page page, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long base = packets(page);
        long now = base;
        while (System.nanoTime() < end) {
            Thread.sleep(250);
            now = packets(page);
            if (now < base) {
                base = now;
            } else if (now >= base + 50) {
                System.out.println("BrowserMediaCallsIT: page " + page.id() + " hears " + what + ": " + base + " -> "
                        + now + " packets");
                return;
            }
        }
        long last = now;
        throw new AssertionError("page " + page.id() + ": audio does not flow again after " + what + " (packets " + last
                + ")\n" + diagnostics());
    }

    /** Within 10 s the page's remote-inbound-rtp shows at least one RTCP receiver report with a round trip time. */
    private void rtcpReports(Page page) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonElement stats = null;
        while (System.nanoTime() < end) {
            stats = page.eval("return await agent.audioStats();", EVENT_MILLIS);
            JsonObject remote = stats.isJsonObject() && stats.getAsJsonObject().has("remote")
                    ? stats.getAsJsonObject().getAsJsonObject("remote") : null;
            if (remote != null && number(remote, "reports") >= 1) {
                System.out.println("BrowserMediaCallsIT: page " + page.id() + " has RTCP from the other page: " + remote);
                return;
            }
            Thread.sleep(250);
        }
        JsonElement last = stats;
        throw new AssertionError("page " + page.id() + ": no RTCP receiver report from the other page: " + last + "\n"
                + diagnostics());
    }

    /** The page's inbound-rtp packet count, -1 when it has no inbound audio stream. */
    private long packets(Page page) throws InterruptedException {
        JsonElement stats = page.eval("return await agent.audioStats();", EVENT_MILLIS);
        return stats.isJsonObject() && stats.getAsJsonObject().has("in")
                ? stats.getAsJsonObject().getAsJsonObject("in").get("packetsReceived").getAsLong() : -1;
    }

    /** The phone's recording of the call that just ended holds the browser's beep (see {@link BrowserMediaIT}). */
    private void assertPhoneHeardBrowser() throws Exception {
        Thread.sleep(300); // the recording is closed when baresip tears the call's audio down
        Path rec = phone.recording();
        assertNotNull(rec, () -> "phone recorded nothing\n" + diagnostics());
        BrowserCallChecks.Loudness heard = BrowserCallChecks.loudness(rec, 200);
        String what = "phone recording " + rec.getFileName() + ": " + heard + " with RMS > 200";
        System.out.println("BrowserMediaCallsIT: " + what);
        assertTrue(heard.loud() >= 5, () -> what + "\n" + diagnostics());
    }

    private void command(String command, String params) throws IOException {
        JsonObject r = phone.command(command, params);
        assertTrue(r.get("ok").getAsBoolean(), () -> "phone refused " + command + ": " + r);
    }

    private JsonObject phoneEvent(String type, int mark) {
        JsonObject e = phone.waitEvent(type, EVENT_MILLIS, mark);
        assertNotNull(e, () -> "phone: no " + type + "\n" + diagnostics());
        return e;
    }

    private JsonObject event(Page page, String type) throws InterruptedException {
        JsonObject e = page.await(type, EVENT_MILLIS);
        assertNotNull(e, () -> "page " + page.id() + ": event " + type + " within " + EVENT_MILLIS
                + " ms; events so far: " + page.events() + "\n" + diagnostics());
        return e;
    }

    private String cli(String command) {
        return BrowserCallChecks.cli(node, command);
    }

    private String diagnostics() {
        return BrowserCallChecks.diagnostics(node, phone, null);
    }
}
