package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.patchbay.itests.e2e.browser.AgentServer;
import org.patchbay.itests.e2e.browser.Chromium;
import org.patchbay.itests.e2e.browser.Page;

/**
 * Instant messaging and presence between browsers over WebSocket through the real distribution: two JsSIP 3.10 users
 * in two browsers (one over ws, one over wss) message each other and get {@code newMessage}; a message to a user who
 * is not registered is stored (202) and reaches the browser once it registers; a SIP.js 0.21 {@code Subscriber}
 * watches a JsSIP user's presence come and go (JsSIP 3.10 has no subscribe API).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserImIT {
    private static final String DOMAIN = "webmsg.test";
    private static final long EVENT_MILLIS = 10_000;

    private String skip;
    private AgentServer server;
    private Distribution node;
    private int ws;
    private int wss;
    private Chromium aliceBrowser;
    private Chromium bobBrowser;
    private Page alicePage;
    private Page bobPage;

    @BeforeAll
    void start() throws Exception {
        skip = Chromium.skipReason(); // first: no npm registry or no Chromium, no node either
        if (skip != null) {
            return;
        }
        server = AgentServer.start();
        node = Distribution.copy("browser-im");
        ws = node.ws;
        wss = node.wss;
        node.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + node.sip, "tcp.port", "" + node.sip,
                "tls.port", "" + node.sipTls, "domain", DOMAIN, "ws.port", "" + ws, "wss.port", "" + wss));
        node.start();
        for (String u : List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace")) {
            var r = node.api("POST", "/users", "{\"user\":\"" + u + "@" + DOMAIN + "\",\"password\":\"" + u + " secret 1\"}");
            assertEquals(201, r.statusCode(), r.body());
        }
        assertTrue(Distribution.waitFor(20_000, () -> accepts(ws) && accepts(wss)),
                "ws " + ws + " and wss " + wss + " listening; output:\n" + String.join("\n", node.output()));
        alicePage = server.page("alice");
        bobPage = server.page("bob");
        aliceBrowser = Chromium.open(node.home.resolve("browser"), alicePage, 30_000);
        bobBrowser = Chromium.open(node.home.resolve("browser"), bobPage, 30_000);
    }

    @BeforeEach
    void skipWithoutBrowser() {
        assumeTrue(skip == null, skip);
    }

    @AfterAll
    void stop() throws Exception {
        for (Chromium c : new Chromium[] {aliceBrowser, bobBrowser}) {
            if (c != null) {
                c.close();
            }
        }
        if (node != null && node.process() != null && node.process().isAlive()) {
            long t0 = System.nanoTime();
            node.process().destroy();
            if (!node.process().waitFor(30, TimeUnit.SECONDS)) {
                node.kill9();
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (ms > 5_000) {
                System.err.println("BrowserImIT: the node took " + ms + " ms to stop after SIGTERM");
            }
        }
        if (server != null) {
            server.close();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String url(boolean secure) {
        return (secure ? "wss" : "ws") + "://127.0.0.1:" + (secure ? wss : ws) + "/ws";
    }

    /** JsSIP UA {@code name} of {@code user} on page {@code p}, started, connected and registered. */
    private void register(Page p, String name, String user, boolean secure) throws Exception {
        p.eval("agent.jssip(" + Page.js(name) + ", {url: " + Page.js(url(secure)) + ", uri: " + Page.js("sip:" + user + "@" + DOMAIN)
                + ", password: " + Page.js(user + " secret 1") + "}).start();", EVENT_MILLIS);
        event(p, name + ".connected");
        p.eval("agent.objects." + name + ".register();", EVENT_MILLIS);
        event(p, name + ".registered");
    }

    private int send(Page p, String from, String to, String body) throws InterruptedException {
        return p.eval("return await agent.message(" + Page.js(from) + ", " + Page.js("sip:" + to + "@" + DOMAIN) + ", "
                + Page.js(body) + ");", EVENT_MILLIS).getAsInt();
    }

    private JsonObject event(Page p, String type) throws InterruptedException {
        JsonObject e = p.await(type, EVENT_MILLIS);
        assertNotNull(e, "event " + type + " within " + EVENT_MILLIS + " ms; events so far: " + p.events());
        return e;
    }

    /** The next message {@code user} received from someone else. */
    private JsonObject received(Page p, String user) throws InterruptedException {
        JsonObject e = p.await(x -> x.get("type").getAsString().equals(user + ".newMessage")
                && x.getAsJsonObject("data").get("originator").getAsString().equals("remote"), EVENT_MILLIS);
        assertNotNull(e, user + " received a MESSAGE within " + EVENT_MILLIS + " ms; events so far: " + p.events());
        return e.getAsJsonObject("data");
    }

    @Test
    void jssipUsersMessageEachOtherOverWsAndWss() throws Exception {
        register(alicePage, "alice", "alice", false);
        register(bobPage, "bob", "bob", true);

        long t0 = System.nanoTime();
        int status = send(alicePage, "alice", "bob", "hello bob, from a browser");
        JsonObject got = received(bobPage, "bob");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(status == 200 || status == 202, "final response to the sender: " + status);
        assertEquals("hello bob, from a browser", got.get("body").getAsString(), got.toString());
        assertEquals("sip:alice@" + DOMAIN, got.get("from").getAsString(), got.toString());
        System.out.println("BrowserImIT: ws → wss MESSAGE answered " + status + ", received " + ms + " ms after sending");

        send(bobPage, "bob", "alice", "hi alice: ünïcödé ✓");
        JsonObject back = received(alicePage, "alice");
        assertEquals("hi alice: ünïcödé ✓", back.get("body").getAsString(), back.toString());
        assertEquals("sip:bob@" + DOMAIN, back.get("from").getAsString(), back.toString());
        // each message arrives once
        Thread.sleep(500);
        assertEquals(1, alicePage.events().stream().filter(e -> e.get("type").getAsString().equals("alice.newMessage")
                && e.getAsJsonObject("data").get("originator").getAsString().equals("remote")).count(), alicePage.events().toString());
    }

    @Test
    void offlineMessageReachesTheBrowserWhenItRegisters() throws Exception {
        Page carolPage = server.page("carol");
        register(alicePage, "alice2", "alice", false); // a second device of alice's: tests run in any order
        assertEquals(202, send(alicePage, "alice2", "carol", "while you were out"), "stored for later");
        try (Chromium carolBrowser = Chromium.open(node.home.resolve("browser"), carolPage, 30_000)) {
            long t0 = System.nanoTime();
            register(carolPage, "carol", "carol", true);
            JsonObject got = received(carolPage, "carol");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("while you were out", got.get("body").getAsString(), got.toString());
            assertEquals("sip:alice@" + DOMAIN, got.get("from").getAsString(), got.toString());
            System.out.println("BrowserImIT: queued MESSAGE received " + ms + " ms after carol's UA started");
        }
    }

    /**
     * JsSIP picks its {@code .invalid} Via/Contact host once per page, so two UAs of one page present the same host on
     * two connections: each must still get its own messages (routing by the binding's connection, not by host).
     */
    @Test
    void twoJsSipUasOfOnePageEachGetTheirOwnMessages() throws Exception {
        register(bobPage, "dave", "dave", false);
        register(bobPage, "erin", "erin", true);
        String host = bobPage.eval("return [agent.objects.dave.configuration.via_host, agent.objects.erin.configuration.via_host];",
                EVENT_MILLIS).toString();
        send(bobPage, "dave", "erin", "to erin, same page");
        assertEquals("to erin, same page", received(bobPage, "erin").get("body").getAsString(), host);
        send(bobPage, "erin", "dave", "to dave, same page");
        assertEquals("to dave, same page", received(bobPage, "dave").get("body").getAsString(), host);
        Thread.sleep(300);
        assertEquals(List.of(), bobPage.events().stream().filter(e -> e.get("type").getAsString().matches("(dave|erin)\\.newMessage")
                && e.getAsJsonObject("data").get("originator").getAsString().equals("remote") && !e.has("consumed")).toList(), "no message twice or to the wrong UA");
    }

    @Test
    void sipJsWatchesTheBrowserPresenceOfAJsSipUser() throws Exception {
        bobPage.eval("const s = await agent.sipjs('frank', {url: " + Page.js(url(false)) + ", uri: 'sip:frank@" + DOMAIN
                + "', user: 'frank', password: 'frank secret 1'}); await s.registerer.register();", EVENT_MILLIS);
        assertNotNull(bobPage.await(e -> e.get("type").getAsString().equals("frank.registerer")
                && e.getAsJsonObject("data").get("state").getAsString().equals("Registered"), EVENT_MILLIS),
                "SIP.js Registered; events: " + bobPage.events());
        bobPage.eval("await agent.sipjsSubscribe('frank', 'watch', 'sip:grace@" + DOMAIN + "', 'presence');", EVENT_MILLIS);
        assertTrue(pidf().contains("<basic>closed</basic>"), "grace offline at first");

        long t0 = System.nanoTime();
        register(alicePage, "grace", "grace", true);
        String open = pidf();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(open.contains("<basic>open</basic>"), open);
        System.out.println("BrowserImIT: presence NOTIFY open reached the SIP.js watcher " + ms + " ms after grace's UA started");

        alicePage.eval("agent.objects.grace.unregister();", EVENT_MILLIS);
        event(alicePage, "grace.unregistered");
        String closed = pidf();
        assertTrue(closed.contains("<basic>closed</basic>"), closed);

        String subs = subs();
        assertTrue(subs.lines().anyMatch(l -> l.matches("presence +frank@" + DOMAIN + " +grace@" + DOMAIN + " +ws .*")), subs);
        // SIP.js ends the subscription at once (state Terminated) and ignores the final NOTIFY: pb:subs is the witness
        bobPage.eval("await agent.objects.watch.unsubscribe();", EVENT_MILLIS);
        assertTrue(Distribution.waitFor(5_000, () -> {
            try {
                return subs().lines().noneMatch(l -> l.contains("frank@" + DOMAIN));
            } catch (Exception e) {
                return false;
            }
        }), "subscription gone after unsubscribe: " + subs());
    }

    private String subs() throws Exception {
        try (Telnet t = new Telnet(node.telnet)) {
            return t.run("pb:subs");
        }
    }

    /** The body of the watcher's next presence NOTIFY (asserting its type). */
    private String pidf() throws InterruptedException {
        JsonObject n = event(bobPage, "watch.notify").getAsJsonObject("data");
        assertEquals("application/pidf+xml", n.get("contentType").getAsString().toLowerCase(), n.toString());
        return n.get("body").getAsString();
    }
}
