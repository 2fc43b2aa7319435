package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.patchbay.itests.e2e.BrowserCallChecks.accepts;
import static org.patchbay.itests.e2e.BrowserCallChecks.number;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
import org.patchbay.itests.e2e.exotel.ExotelSdk;
import org.patchbay.itests.e2e.exotel.WsCutProxy;

/**
 * The unmodified Exotel Voice WebSDK 2.0.5 (fetched from npm at test time, {@link ExotelSdk}) in headless Chromium
 * against the node, driven the way Exotel's integration guide does ({@code initWebrtc}, {@code DoRegister},
 * {@code getCall().Answer()/Hangup()/HoldToggle()/sendDTMF()}, {@code UnRegister}, {@code checkClientStatus},
 * diagnostics). The SDK only receives calls: baresip phones (plain RTP, PCMU) call the SDK's user through the node,
 * which anchors the media (ICE-lite, DTLS-SRTP towards the browser).
 *
 * <p>One node, one main browser (alice) for the call scenarios; a second browser as alice's second tab (all tabs
 * ring, the first to answer wins, diagnostics run there) and a third for the registration edge cases (wrong password,
 * WebSocket cut mid-registration through {@link WsCutProxy}, the SDK's own re-register, unregister). Needs the
 * loopback-only network namespace like {@link BrowserMediaIT} (the {@code browser-media} failsafe execution); there
 * the node's STUN server runs on 19302 and Chromium maps {@code stun.l.google.com} to 127.0.0.1, because the SDK's
 * diagnostics hard-code Google's STUN server.
 *
 * <p>Exotel's call-connect API ({@code org.patchbay.exotel}): alice belongs to an Exotel account; {@code POST
 * Calls/connect.json} rings the SDK first, then baresip, with the call resource's statuses,
 * {@code callDetails().callSid} and the StatusCallback checked; and the Exotel bundle updated during such a call keeps
 * the call and the SDK's WebSocket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(90)
class ExotelSdkIT {
    private static final String DOMAIN = "exotel.web.test";
    private static final long EVENT_MILLIS = 10_000;
    /** The node's ring timeout here: short, so the no-answer case does not wait the SDK's own 60 s. */
    private static final int RING_SECONDS = 8;
    /** The SDK's diagnostics use stun:stun.l.google.com:19302, fixed in its code. */
    private static final int GOOGLE_STUN_PORT = 19302;

    private String skip;
    private AgentServer server;
    private Distribution node;
    private Chromium chromium;
    private Page page;
    private Baresip bob;
    private Baresip carol;
    private final List<Chromium> others = new ArrayList<>();
    private static final String API_KEY = "sdkkey";
    private static final String API_TOKEN = "exotel-sdk-token-0123456789";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<Map<String, String>> posted = new LinkedBlockingQueue<>();
    private HttpServer callbacks;

    @BeforeAll
    void start() throws Exception {
        skip = Chromium.skipReason();
        if (skip == null && !Files.isExecutable(Baresip.BINARY)) {
            skip = "baresip is not installed (apt-get install baresip)";
        }
        if (skip == null) {
            skip = ExotelSdk.unavailable();
        }
        if (skip == null && !NetNs.loopbackOnly()) {
            skip = "not in a loopback-only network namespace (Chromium would pick non-loopback ICE candidates): run "
                    + "with -Djvm=$PWD/itests/e2e/netns/bin/java, as the browser-media failsafe execution does";
        }
        if (skip != null) {
            System.err.println("ExotelSdkIT skipped: " + skip);
            return;
        }
        server = AgentServer.start();
        ExotelSdk.mount(server);
        node = Distribution.copy("exotel-sdk");
        node.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + node.sip, "tcp.port",
                "" + node.sip, "tls.port", "" + node.sipTls, "domain", DOMAIN, "ws.port", "" + node.ws, "wss.port",
                "" + node.wss));
        node.writeConf("org.patchbay.core.calls.cfg", Map.of("ring.timeout.seconds", "" + RING_SECONDS));
        node.writeConf("org.patchbay.exotel.cfg", Map.of("sip.domain", DOMAIN, "callback.retries", "1"));
        // private network namespace: the fixed port cannot clash with anything
        node.writeConf("org.patchbay.stun.cfg", Map.of("address", "127.0.0.1", "port", "" + GOOGLE_STUN_PORT));
        node.start();
        BrowserCallChecks.addUsers(node, DOMAIN, "alice", "bob", "carol", "erin");
        assertTrue(Distribution.waitFor(20_000, () -> accepts(node.ws)), "ws listening");
        bob = phone("bob");
        carol = phone("carol");
        page = ExotelSdk.page(server, "alice1");
        chromium = Chromium.open(node.home.resolve("browser"), page, 30_000);
        assertEquals(Boolean.TRUE, page.eval(ExotelSdk.init(account("alice", "alice-secret-1")), EVENT_MILLIS)
                .getAsBoolean());
        page.eval("return agent.objects.client.DoRegister();", EVENT_MILLIS);
        reg(page, "registered");
    }

    @BeforeEach
    void skipUnlessReady() {
        assumeTrue(skip == null, skip);
    }

    /** Whatever a test left (also a failed one): phones hang up, no call stays, the pages' old events are dropped. */
    @AfterEach
    void settle() throws Exception {
        if (skip != null) {
            return;
        }
        for (Baresip b : new Baresip[] {bob, carol}) {
            try {
                b.command("hangup", null);
            } catch (IOException e) {
                // no call to hang up
            }
        }
        if (!Distribution.waitFor(EVENT_MILLIS, () -> cli("pb:calls").startsWith("no live calls"))) {
            page.eval("try { agent.objects.client.getCall().Hangup(); } catch (e) { }", EVENT_MILLIS);
            Distribution.waitFor(EVENT_MILLIS, () -> cli("pb:calls").startsWith("no live calls"));
        }
        Thread.sleep(300);
        while (page.await(e -> true, 0) != null) {
            // drop
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (Chromium c : others) {
            c.close();
        }
        if (chromium != null) {
            chromium.close();
        }
        for (Baresip b : new Baresip[] {bob, carol}) {
            if (b != null) {
                b.close();
            }
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
        if (callbacks != null) {
            callbacks.stop(0);
        }
    }

    @Test
    @Order(1)
    void registeredShowsInCheckClientStatusAndOnTheNode() throws Exception {
        assertEquals("registered", page.eval("return await exotel.status();", EVENT_MILLIS).getAsString());
        String regs = cli("pb:regs alice@");
        assertTrue(regs.contains("alice@" + DOMAIN) && regs.contains("ws"), regs);
        JsonObject register = sip(page, "out", t -> t.startsWith("REGISTER sip:" + DOMAIN));
        assertTrue(register.getAsJsonObject("data").get("text").getAsString().contains("User-Agent: SIP.js/0.20.0"),
                register.toString());
    }

    @Test
    @Order(2)
    void phoneCallAnsweredInBrowserWithAudioDtmfHoldAndBrowserHangsUp() throws Exception {
        int mark = bob.events().size();
        dial(bob, "alice");
        call(page, "incoming");
        // the SDK's "phone" argument is the From display name; baresip sends none, so the From URI is checked
        sip(page, "in", t -> t.startsWith("INVITE ") && t.contains("sip:bob@" + DOMAIN) && t.contains("a=fingerprint"));
        page.eval("agent.objects.client.getCall().Answer();", EVENT_MILLIS);
        call(page, "connected");
        phoneEvent(bob, "CALL_ESTABLISHED", mark);
        assertBrowserHearsPhone();

        // DTMF browser -> phone: the SDK's INFO (application/dtmf-relay) reaches the RTP phone as RFC 4733
        page.eval("agent.objects.client.getCall().sendDTMF('5');", EVENT_MILLIS);
        sip(page, "out", t -> t.startsWith("INFO ") && t.contains("Signal=5"));
        assertTrue(Distribution.waitFor(5_000, () -> bob.output().contains("received event: '5'")),
                () -> "phone: no RFC 4733 event '5'\n" + diagnostics());
        // DTMF phone -> browser: the node sends the phone's RFC 4733 digit as SIP INFO; the SDK has no DTMF callback,
        // so its SIP.js trace is the witness (and SIP.js answers the INFO 200)
        JsonObject key = bob.command("sndcode", "7");
        assertTrue(key.get("ok").getAsBoolean(), () -> "sndcode refused: " + key);
        sip(page, "in", t -> t.startsWith("INFO ") && t.contains("Signal=7"));
        sip(page, "out", t -> t.startsWith("SIP/2.0 200") && t.contains(" INFO"));

        // hold: a sendonly re-INVITE, answered recvonly; resume: sendrecv, and audio flows again
        page.eval("agent.objects.client.getCall().HoldToggle();", EVENT_MILLIS);
        sip(page, "out", t -> t.startsWith("INVITE ") && t.contains("a=sendonly"));
        sip(page, "in", t -> t.startsWith("SIP/2.0 200") && t.contains("INVITE") && t.contains("a=recvonly"));
        page.eval("agent.objects.client.getCall().HoldToggle();", EVENT_MILLIS);
        sip(page, "out", t -> t.startsWith("INVITE ") && t.contains("a=sendrecv"));
        sip(page, "in", t -> t.startsWith("SIP/2.0 200") && t.contains("INVITE") && t.contains("a=sendrecv"));
        long before = packetsReceived();
        assertTrue(Distribution.waitFor(5_000, () -> packetsReceived() > before + 50),
                () -> "audio did not resume after unhold: " + before + " packets\n" + diagnostics());

        page.eval("agent.objects.client.getCall().Hangup();", EVENT_MILLIS);
        call(page, "callEnded");
        phoneEvent(bob, "CALL_CLOSED", mark);
        assertPhoneHeardBrowser(bob);
    }

    @Test
    @Order(3)
    void secondCallWhileBusyGetsBusyAndPhoneHangsUp() throws Exception {
        int markBob = bob.events().size();
        int markCarol = carol.events().size();
        dial(bob, "alice");
        call(page, "incoming");
        page.eval("agent.objects.client.getCall().Answer();", EVENT_MILLIS);
        call(page, "connected");
        phoneEvent(bob, "CALL_ESTABLISHED", markBob);
        // the SDK refuses a second INVITE with "480 4001"; the node tells the caller 486 Busy Here
        dial(carol, "alice");
        sip(page, "out", t -> t.startsWith("SIP/2.0 480 4001"));
        JsonObject closed = phoneEvent(carol, "CALL_CLOSED", markCarol);
        assertTrue(closed.toString().contains("486"), () -> "caller did not get busy: " + closed + "\n" + diagnostics());
        // the first call is untouched; the phone hangs up
        JsonObject hangup = bob.command("hangup", null);
        assertTrue(hangup.get("ok").getAsBoolean(), hangup::toString);
        call(page, "callEnded");
        sip(page, "in", t -> t.startsWith("BYE "));
    }

    @Test
    @Order(4)
    void hangupWhileRingingRejectsWithBusy() throws Exception {
        int mark = bob.events().size();
        dial(bob, "alice");
        call(page, "incoming");
        page.eval("agent.objects.client.getCall().Hangup();", EVENT_MILLIS);
        sip(page, "out", t -> t.startsWith("SIP/2.0 486"));
        JsonObject closed = phoneEvent(bob, "CALL_CLOSED", mark);
        assertTrue(closed.toString().contains("486"), () -> "caller did not get busy: " + closed);
        assertIdle();
    }

    @Test
    @Order(5)
    void unansweredCallEndsAtTheNodesRingTimeout() throws Exception {
        int mark = bob.events().size();
        long t0 = System.nanoTime();
        dial(bob, "alice");
        call(page, "incoming");
        // the node's ring timer (RING_SECONDS here, 60 s by default: the same as the SDK's own 480 timer, which
        // therefore never fires first) CANCELs the SDK's INVITE; the caller gets 480
        sip(page, "in", t -> t.startsWith("CANCEL "), (RING_SECONDS + 10) * 1000L);
        call(page, "callEnded");
        JsonObject closed = phoneEvent(bob, "CALL_CLOSED", mark);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertTrue(closed.toString().contains("480"), () -> "caller: " + closed);
        assertTrue(seconds >= RING_SECONDS - 1, "ended after " + seconds + " s");
        assertIdle();
    }

    @Test
    @Order(6)
    void secondTabRingsTooFirstAnswerWinsOtherIsCancelledAndDiagnosticsSeeTheNode() throws Exception {
        Page tab2 = ExotelSdk.page(server, "alice2");
        Chromium second = Chromium.open(node.home.resolve("browser2"), tab2, 30_000,
                // WebRTC resolves the STUN host as a rooted name ("stun.l.google.com."): map both spellings
                List.of("MAP stun.l.google.com 127.0.0.1", "MAP stun.l.google.com. 127.0.0.1"));
        others.add(second);
        // this tab over TLS: security 'wss' on the node's wss port (self-signed; Chromium ignores certificate errors)
        assertEquals(Boolean.TRUE, tab2.eval(ExotelSdk.init(ExotelSdk.account("alice", "alice-secret-1", DOMAIN,
                node.wss, true)), EVENT_MILLIS).getAsBoolean());
        // the SDK's network diagnostics: initDiagnostics, then startNetworkDiagnostics (which registers, too)
        tab2.eval("exotel.diagnostics(); agent.objects.client.startNetworkDiagnostics();", EVENT_MILLIS);
        reg(tab2, "registered");
        Map<String, String> diag = diagnostics(tab2);
        String stun = cli("pb:stun");
        System.out.println("ExotelSdkIT: diagnostics " + diag + "\n" + stun);
        String regs = cli("pb:regs alice@");
        assertTrue(regs.contains("2 registrations") && regs.contains("wss"), regs);
        sip(tab2, "out", t -> t.startsWith("REGISTER ") && t.contains("SIP/2.0/WSS"));

        int mark = bob.events().size();
        dial(bob, "alice");
        call(page, "incoming");
        call(tab2, "incoming");
        page.eval("agent.objects.client.getCall().Answer();", EVENT_MILLIS);
        call(page, "connected");
        phoneEvent(bob, "CALL_ESTABLISHED", mark);
        sip(tab2, "in", t -> t.startsWith("CANCEL "));
        call(tab2, "callEnded");
        page.eval("agent.objects.client.getCall().Hangup();", EVENT_MILLIS);
        call(page, "callEnded");
        phoneEvent(bob, "CALL_CLOSED", mark);

        second.close();
        others.remove(second);
        // the node's registrar drops the tab's binding when its WebSocket goes
        assertTrue(Distribution.waitFor(EVENT_MILLIS, () -> cli("pb:regs alice@").contains("1 registration")),
                () -> cli("pb:regs alice@"));

        // what the SDK's diagnostics report against the node (see the class comment for srflx)
        assertEquals("connected", diag.get("wss"), () -> "diagnostics " + diag);
        assertEquals("connected", diag.get("udp"), () -> "diagnostics " + diag);
        assertEquals("connected", diag.get("tcp"), () -> "diagnostics " + diag);
        assertEquals("connected", diag.get("host"), () -> "diagnostics " + diag);
        // the SDK's STUN probes (stun.l.google.com mapped to 127.0.0.1) reach the node's STUN server and are answered
        java.util.regex.Matcher answered = java.util.regex.Pattern.compile("answered (\\d+)").matcher(stun);
        assertTrue(answered.find() && Long.parseLong(answered.group(1)) > 0, stun);
    }

    @Test
    @Order(7)
    void wrongPasswordThenCutMidRegistrationReRegistersThenUnregisters() throws Exception {
        Page p = ExotelSdk.page(server, "erin");
        try (WsCutProxy proxy = new WsCutProxy(node.ws)) {
            others.add(Chromium.open(node.home.resolve("browser3"), p, 30_000));
            // wrong password: no register callback at all; checkClientStatus says "unregistered"
            p.eval(ExotelSdk.init(account("erin", "wrong-secret", node.ws)), EVENT_MILLIS);
            p.eval("agent.objects.client.DoRegister();", EVENT_MILLIS);
            assertTrue(Distribution.waitFor(EVENT_MILLIS, () -> "unregistered".equals(status(p))),
                    () -> "status " + status(p));
            assertTrue(cli("pb:regs erin@").startsWith("no registrations"), cli("pb:regs erin@"));

            // the right password, through the proxy, which cuts the WebSocket at the node's challenge; the SDK
            // registers again by itself 5 s later
            p.eval(ExotelSdk.init(account("erin", "erin-secret-1", proxy.port())), EVENT_MILLIS);
            proxy.cutOnNextChallenge();
            p.eval("agent.objects.client.DoRegister();", EVENT_MILLIS);
            reg(p, "registered", 20_000);
            assertEquals(1, proxy.cuts(), "one cut");
            assertTrue(proxy.connections() >= 2, "reconnected: " + proxy.connections());
            assertTrue(cli("pb:regs erin@").contains("erin@" + DOMAIN), cli("pb:regs erin@"));

            // UnRegister: REGISTER expires 0, the binding is gone
            p.eval("agent.objects.client.UnRegister();", EVENT_MILLIS);
            sip(p, "out", t -> t.startsWith("REGISTER ") && (t.contains("expires=0") || t.contains("Expires: 0")));
            assertTrue(Distribution.waitFor(EVENT_MILLIS, () -> cli("pb:regs erin@").startsWith("no registrations")),
                    () -> cli("pb:regs erin@"));
            assertTrue(Distribution.waitFor(EVENT_MILLIS, () -> !"registered".equals(status(p))),
                    () -> "status " + status(p));
        }
    }

    @Test
    @Order(8)
    void callConnectApiRingsTheSdkFirstThenThePhoneWithStatusesAudioAndCallback() throws Exception {
        exotelAccount();
        int mark = bob.events().size();
        StatusWatch statuses = new StatusWatch();
        JsonObject resource = connect(Map.of("From", "alice", "To", "bob@" + DOMAIN, "CallerId", "08030752400",
                "StatusCallback", callbackUrl()));
        String sid = resource.get("Sid").getAsString();
        assertTrue(List.of("queued", "ringing").contains(resource.get("Status").getAsString()), resource.toString());
        statuses.follow(sid);
        try {
            // the SDK rings first; its INVITE names the call resource, which the SDK's callDetails() shows
            JsonObject incoming = call(page, "incoming");
            sip(page, "in", t -> t.startsWith("INVITE ") && t.contains("X-Exotel-Callsid: " + sid));
            assertEquals(sid, incoming.getAsJsonObject("data").get("callSid").getAsString(), incoming.toString());
            // the SDK's "phone" is the INVITE's From display name: the CallerId
            assertEquals("08030752400", incoming.getAsJsonObject("data").get("phone").getAsString(),
                    incoming.toString());
            assertEquals(sid, page.eval("return agent.objects.client.getCall().callDetails().callSid;", EVENT_MILLIS)
                    .getAsString());
            assertStatus(sid, "ringing");
            assertTrue(bob.events().subList(mark, bob.events().size()).stream().noneMatch(e -> e.has("type")
                    && e.get("type").getAsString().startsWith("CALL_")), () -> "bob called before the SDK answered: "
                    + bob.events().subList(mark, bob.events().size()));
            page.eval("agent.objects.client.getCall().Answer();", EVENT_MILLIS);
            call(page, "connected");
            // then the node calls To (baresip answers by itself) and bridges
            phoneEvent(bob, "CALL_ESTABLISHED", mark);
            assertStatus(sid, "in-progress");
            assertBrowserHearsPhone();
            assertPhoneHeardBrowser(bob);
            page.eval("agent.objects.client.getCall().Hangup();", EVENT_MILLIS);
            call(page, "callEnded");
            phoneEvent(bob, "CALL_CLOSED", mark);
            assertStatus(sid, "completed");
        } finally {
            statuses.stop();
        }
        System.out.println("ExotelSdkIT: call " + sid + " statuses " + statuses.seen());
        assertTrue(statuses.seen().indexOf("ringing") < statuses.seen().indexOf("in-progress")
                && statuses.seen().indexOf("ringing") >= 0, () -> "statuses " + statuses.seen());
        assertEquals("completed", statuses.seen().get(statuses.seen().size() - 1), () -> "statuses " + statuses.seen());
        JsonObject done = get(sid);
        assertEquals("alice", done.get("From").getAsString(), done.toString());
        assertEquals("outbound-api", done.get("Direction").getAsString(), done.toString());
        assertTrue(done.get("Duration").getAsInt() >= 1 && !done.get("EndTime").isJsonNull(), done.toString());
        Map<String, String> cb = callbackFor(sid);
        assertNotNull(cb, "no status callback for " + sid);
        assertEquals("completed", cb.get("Status"), cb.toString());
        assertIdle();
    }

    @Test
    @Order(9)
    void exotelBundleUpdateDuringAnApiCallKeepsTheCallAndTheSdkWebSocketAndNewCallsRing() throws Exception {
        exotelAccount();
        String source = aliceSource();
        int events = page.events().size();
        int mark = bob.events().size();
        String sid = connect(Map.of("From", "alice", "To", "bob", "CallerId", "0801", "StatusCallback",
                callbackUrl())).get("Sid").getAsString();
        call(page, "incoming");
        page.eval("agent.objects.client.getCall().Answer();", EVENT_MILLIS);
        call(page, "connected");
        phoneEvent(bob, "CALL_ESTABLISHED", mark);
        assertStatus(sid, "in-progress");
        assertTrue(Distribution.waitFor(EVENT_MILLIS, () -> packetsReceived() > 50), "media before the update");

        String id = bundleId("org.patchbay.exotel");
        long served = logged("exotel: call API served");
        String update = cli("update " + id);
        assertTrue(Distribution.waitFor(EVENT_MILLIS, () -> cli("lb -s org.patchbay.exotel").contains("Active")),
                () -> update + "\n" + cli("lb -s org.patchbay.exotel"));
        // the updated bundle's component came up again
        assertTrue(Distribution.waitFor(EVENT_MILLIS, () -> logged("exotel: call API served") > served),
                () -> "no restart: " + update);
        // the new bundle serves the call resource (its tables hold it) and sees the call as still up
        assertTrue(Distribution.waitFor(EVENT_MILLIS, () -> "in-progress".equals(statusOrNull(sid))),
                () -> "after the update: " + statusOrNull(sid) + "\n" + diagnostics());
        // the call is up: media keeps flowing into the page
        long after = packetsReceived();
        assertTrue(Distribution.waitFor(5_000, () -> packetsReceived() > after + 50),
                () -> "inbound packets stopped at " + after + "\n" + diagnostics());
        assertTrue(cli("pb:calls").contains("bob@" + DOMAIN), () -> "call gone: " + cli("pb:calls"));
        // the SDK's WebSocket is the same: registered, the binding's source (its TCP connection) unchanged, no
        // register state change in the page
        assertEquals("registered", status(page));
        assertEquals(source, aliceSource(), () -> cli("pb:regs alice@"));
        System.out.println("ExotelSdkIT: after the update: call " + sid + " up, SDK connection " + source
                + " unchanged, inbound packets " + packetsReceived());
        List<JsonObject> since = page.events().subList(events, page.events().size());
        assertTrue(since.stream().noneMatch(e -> e.get("type").getAsString().equals("reg")), () -> "reg events "
                + since);

        page.eval("agent.objects.client.getCall().Hangup();", EVENT_MILLIS);
        call(page, "callEnded");
        phoneEvent(bob, "CALL_CLOSED", mark);
        assertStatus(sid, "completed");
        Map<String, String> cb = callbackFor(sid);
        assertTrue(cb != null && "completed".equals(cb.get("Status")), "callback after the update: " + cb);
        assertIdle();

        // a new API call right after rings the SDK again, over the same connection
        int mark2 = bob.events().size();
        String sid2 = connect(Map.of("From", "alice", "To", "bob", "CallerId", "0801")).get("Sid").getAsString();
        JsonObject incoming = call(page, "incoming");
        assertEquals(sid2, incoming.getAsJsonObject("data").get("callSid").getAsString(), incoming.toString());
        page.eval("agent.objects.client.getCall().Answer();", EVENT_MILLIS);
        call(page, "connected");
        phoneEvent(bob, "CALL_ESTABLISHED", mark2);
        assertStatus(sid2, "in-progress");
        page.eval("agent.objects.client.getCall().Hangup();", EVENT_MILLIS);
        call(page, "callEnded");
        assertStatus(sid2, "completed");
        assertEquals(source, aliceSource(), () -> cli("pb:regs alice@"));
        assertIdle();
    }

    private Map<String, String> account(String user, String secret) {
        return account(user, secret, node.ws);
    }

    private Map<String, String> account(String user, String secret, int port) {
        return ExotelSdk.account(user, secret, DOMAIN, port, false);
    }

    private String status(Page p) {
        try {
            return p.eval("return await exotel.status();", EVENT_MILLIS).getAsString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The diagnostics' key/value events until wss, udp, tcp, host and srflx have a final value (or 15 s). */
    private Map<String, String> diagnostics(Page p) throws InterruptedException {
        Map<String, String> m = new LinkedHashMap<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            JsonObject e = p.await("diag.kv", 500);
            if (e != null) {
                JsonObject d = e.getAsJsonObject("data");
                m.put(d.get("key").getAsString(), d.get("value").getAsString());
            }
            if (List.of("wss", "udp", "tcp", "host", "srflx").stream()
                    .allMatch(k -> m.containsKey(k) && !"waiting".equals(m.get(k)))) {
                break;
            }
        }
        return m;
    }

    private void dial(Baresip phone, String user) throws IOException {
        JsonObject dial = phone.command("dial", "sip:" + user + "@" + DOMAIN);
        assertTrue(dial.get("ok").getAsBoolean(), () -> "dial refused: " + dial);
    }

    private void assertIdle() throws Exception {
        assertTrue(Distribution.waitFor(EVENT_MILLIS, () -> cli("pb:calls").startsWith("no live calls")), () -> cli("pb:calls"));
    }

    private JsonObject reg(Page p, String state) throws InterruptedException {
        return reg(p, state, EVENT_MILLIS);
    }

    private JsonObject reg(Page p, String state, long millis) throws InterruptedException {
        JsonObject e = p.await(ev -> ev.get("type").getAsString().equals("reg")
                && ev.getAsJsonObject("data").get("state").getAsString().equals(state), millis);
        assertNotNull(e, () -> p.id() + ": no register state " + state + "; events " + summary(p) + "\n" + diagnostics());
        return e;
    }

    private JsonObject call(Page p, String event) throws InterruptedException {
        JsonObject e = p.await(ev -> ev.get("type").getAsString().equals("call")
                && ev.getAsJsonObject("data").get("event").getAsString().equals(event), EVENT_MILLIS);
        assertNotNull(e, () -> p.id() + ": no call event " + event + "; events " + summary(p) + "\n" + diagnostics());
        return e;
    }

    private JsonObject sip(Page p, String dir, Predicate<String> text) throws InterruptedException {
        return sip(p, dir, text, EVENT_MILLIS);
    }

    /** The next SIP message the SDK received ("in") or sent ("out") that matches, from SIP.js's own trace. */
    private JsonObject sip(Page p, String dir, Predicate<String> text, long millis) throws InterruptedException {
        JsonObject e = p.await(ev -> ev.get("type").getAsString().equals("sip")
                && ev.getAsJsonObject("data").get("dir").getAsString().equals(dir)
                && text.test(ev.getAsJsonObject("data").get("text").getAsString()), millis);
        assertNotNull(e, () -> p.id() + ": no matching SIP message " + dir + "; events " + summary(p) + "\n"
                + diagnostics());
        return e;
    }

    private static String summary(Page p) {
        StringBuilder sb = new StringBuilder();
        for (JsonObject e : p.events()) {
            String type = e.get("type").getAsString();
            if (type.equals("sip")) {
                String t = e.getAsJsonObject("data").get("text").getAsString();
                sb.append("\n  sip ").append(e.getAsJsonObject("data").get("dir").getAsString()).append(": ")
                        .append(t.lines().findFirst().orElse(""));
            } else {
                sb.append("\n  ").append(type).append(' ').append(e.get("data"));
            }
        }
        return sb.toString();
    }

    private JsonObject phoneEvent(Baresip phone, String type, int since) {
        JsonObject[] found = new JsonObject[1];
        Distribution.waitFor(EVENT_MILLIS, () -> {
            List<JsonObject> ev = phone.events();
            for (int i = since; i < ev.size(); i++) {
                JsonObject e = ev.get(i);
                if (e.has("event") && e.has("type") && type.equals(e.get("type").getAsString())) {
                    found[0] = e;
                    return true;
                }
            }
            return false;
        });
        assertNotNull(found[0], () -> phone.user + ": no " + type + "\n" + diagnostics());
        return found[0];
    }

    private Baresip phone(String user) throws Exception {
        Path dir = node.home.resolve("phone-" + user);
        Files.createDirectories(dir);
        Path tone = dir.resolve("tone.wav");
        Tones.writeSine(tone, 1000, 8000, 30);
        Baresip b = Baresip.start(dir, user, user + "-secret-1", DOMAIN, node.sip, tone);
        assertTrue(b.waitRegistered(10_000) && b.registered(), () -> user + " did not register\n" + b.output());
        b.connect();
        return b;
    }

    private long packetsReceived() {
        try {
            JsonElement s = page.eval("return await exotel.audioStats();", EVENT_MILLIS);
            return s.isJsonObject() && s.getAsJsonObject().has("in")
                    ? s.getAsJsonObject().getAsJsonObject("in").get("packetsReceived").getAsLong() : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The page's inbound audio: more than 100 packets and audio energy (the phone's tone), within 10 s. */
    private void assertBrowserHearsPhone() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonElement stats = null;
        while (System.nanoTime() < end) {
            stats = page.eval("return await exotel.audioStats();", EVENT_MILLIS);
            JsonObject in = stats.isJsonObject() && stats.getAsJsonObject().has("in")
                    ? stats.getAsJsonObject().getAsJsonObject("in") : null;
            if (in != null && in.get("packetsReceived").getAsLong() > 100
                    && (number(in, "audioLevel") > 0 || number(in, "totalAudioEnergy") > 0)) {
                System.out.println("ExotelSdkIT: browser stats " + stats);
                Thread.sleep(1500); // enough of the browser's beep (on ~30 % of the time) for the phone's recording
                return;
            }
            Thread.sleep(250);
        }
        JsonElement last = stats;
        throw new AssertionError("browser does not hear the phone: " + last + "\n" + diagnostics());
    }

    /** The phone's recording of the last call holds the browser's fake-microphone beep (100 ms windows, RMS > 200). */
    private void assertPhoneHeardBrowser(Baresip phone) throws Exception {
        Path rec = phone.recording();
        assertNotNull(rec, () -> "phone recorded nothing\n" + diagnostics());
        assertTrue(Distribution.waitFor(5_000, () -> loudWindows(rec) >= 5),
                () -> "phone recording " + rec + ": " + loudWindows(rec) + " loud 100 ms windows\n" + diagnostics());
        System.out.println("ExotelSdkIT: phone recording " + rec.getFileName() + ": " + loudWindows(rec)
                + " 100 ms windows with RMS > 200");
    }

    private static int loudWindows(Path rec) {
        try {
            return BrowserCallChecks.loudness(rec, 200).loud();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    // --- Exotel's call-connect API ----------------------------------------------------------------------------------

    /** The account "acme" owning alice, and the StatusCallback server; once. */
    private void exotelAccount() throws Exception {
        if (callbacks != null) {
            return;
        }
        assertTrue(Distribution.waitFor(20_000, () -> {
            try {
                return node.api("GET", "/exotel/accounts", null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        }), "exotel admin API up");
        var r = node.api("POST", "/exotel/accounts", "{\"sid\":\"acme\",\"name\":\"Acme\",\"apiKey\":\"" + API_KEY
                + "\",\"apiToken\":\"" + API_TOKEN + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        r = node.api("POST", "/exotel/accounts/acme/users", "{\"user\":\"alice\"}");
        assertEquals(201, r.statusCode(), r.body());
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/status", x -> {
            posted.add(form(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        s.start();
        callbacks = s;
    }

    private String callbackUrl() {
        return "http://127.0.0.1:" + callbacks.getAddress().getPort() + "/status";
    }

    /** POST Calls/connect.json; the call resource of the 200. */
    private JsonObject connect(Map<String, String> params) throws Exception {
        StringBuilder body = new StringBuilder();
        params.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpResponse<String> r = request("POST", "/v1/Accounts/acme/Calls/connect.json", body.toString());
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("Call");
    }

    private HttpResponse<String> request(String method, String path, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.http + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((API_KEY + ":" + API_TOKEN).getBytes(StandardCharsets.UTF_8)));
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        b.method(method, form == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(form));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject get(String sid) throws Exception {
        HttpResponse<String> r = request("GET", "/v1/Accounts/acme/Calls/" + sid + ".json", null);
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("Call");
    }

    private String statusOrNull(String sid) {
        try {
            HttpResponse<String> r = request("GET", "/v1/Accounts/acme/Calls/" + sid + ".json", null);
            return r.statusCode() != 200 ? "HTTP " + r.statusCode() : JsonParser.parseString(r.body())
                    .getAsJsonObject().getAsJsonObject("Call").get("Status").getAsString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Polls GET until the call resource shows {@code status} (10 s). */
    private void assertStatus(String sid, String status) {
        String[] last = new String[1];
        assertTrue(Distribution.waitFor(EVENT_MILLIS, () -> status.equals(last[0] = statusOrNull(sid))),
                () -> "call " + sid + " not " + status + " but " + last[0] + "\n" + diagnostics());
    }

    /** Every distinct status of a call resource in order, polled every 50 ms on its own thread. */
    private final class StatusWatch {
        private final List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean running = true;
        private Thread thread;

        void follow(String sid) {
            thread = new Thread(() -> {
                while (running) {
                    String s = statusOrNull(sid);
                    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(s)) {
                        seen.add(s);
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "exotel-status-" + sid);
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }

        List<String> seen() {
            return List.copyOf(seen);
        }
    }

    /** The status callback POSTed for call {@code sid} (others' are skipped), or null after 20 s. */
    private Map<String, String> callbackFor(String sid) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            Map<String, String> cb = posted.poll(1, TimeUnit.SECONDS);
            if (cb != null && sid.equals(cb.get("CallSid"))) {
                return cb;
            }
        }
        return null;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : body.split("&")) {
            if (!p.isEmpty()) {
                int eq = p.indexOf('=');
                m.put(URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    /** The SOURCE column (address:port of the SDK's WebSocket connection) of alice's single binding. */
    private String aliceSource() {
        String regs = cli("pb:regs alice@");
        Matcher m = Pattern.compile("\\balice@" + Pattern.quote(DOMAIN) + " .*?(127\\.0\\.0\\.1:\\d+)",
                Pattern.MULTILINE).matcher(regs);
        assertTrue(regs.contains("1 registration") && m.find(), regs);
        return m.group(1);
    }

    /** Lines of the node's log file containing {@code text}. */
    private long logged(String text) {
        try (var lines = Files.lines(node.home.resolve("data/log/patchbay.log"))) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    private String bundleId(String bsn) {
        String lb = cli("lb -s " + bsn);
        Matcher m = Pattern.compile("^\\s*(\\d+)\\s*\\|.*" + Pattern.quote(bsn), Pattern.MULTILINE).matcher(lb);
        assertTrue(m.find(), lb);
        return m.group(1);
    }

    private String cli(String command) {
        return BrowserCallChecks.cli(node, command);
    }

    private String diagnostics() {
        StringBuilder sb = new StringBuilder();
        sb.append("--- pb:calls -v\n").append(cli("pb:calls -v"));
        for (Baresip b : new Baresip[] {bob, carol}) {
            if (b != null) {
                sb.append("\n--- ").append(b.user).append(" events ").append(b.events());
            }
        }
        List<String> out = node.output();
        sb.append("\n--- node output (tail)\n").append(String.join("\n", out.subList(Math.max(0, out.size() - 60),
                out.size())));
        if (chromium != null) {
            sb.append("\n--- chromium log (tail)\n").append(chromium.logTail(30));
        }
        return sb.toString();
    }
}
