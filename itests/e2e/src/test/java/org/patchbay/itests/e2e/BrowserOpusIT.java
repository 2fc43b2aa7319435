package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * Transcoding end to end: JsSIP in headless Chromium, its offer cut down to Opus and telephone-event/48000 (JsSIP's
 * {@code sdp} event), calls a baresip phone that speaks PCMU only. The node offers the phone G.711 besides Opus,
 * answers the browser in Opus and transcodes both ways. Checked: the browser negotiated Opus (getStats codecs) and
 * hears the phone's 1 kHz tone (inbound-rtp audio energy), the phone's recording holds the browser's 600 Hz tone
 * (a WebAudio oscillator as the call's microphone), an RFC 4733 digit from the browser (48 kHz clock) reaches the
 * phone (8 kHz, its own payload type), and so does a SIP INFO digit (inserted by the node into the transcoded stream).
 *
 * <p>Runs in the loopback-only network namespace of the {@code browser-media} failsafe execution, like
 * {@link BrowserMediaIT}; elsewhere it is skipped with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class BrowserOpusIT {
    private static final String DOMAIN = "opus.web.test";
    private static final long EVENT_MILLIS = 10_000;
    private static final int BROWSER_HZ = 600;

    /** Keeps only Opus and telephone-event/48000 in the first m=audio of an SDP (JavaScript). */
    private static final String OPUS_ONLY = "sdp => { const lines = sdp.split('\\r\\n'); const keep = new Set();"
            + " for (const l of lines) { const m = /^a=rtpmap:(\\d+) (opus|telephone-event)\\/48000/i.exec(l);"
            + "   if (m) keep.add(m[1]); }"
            + " let audio = false; const out = [];"
            + " for (const l of lines) {"
            + "   if (l.startsWith('m=')) { audio = l.startsWith('m=audio ');"
            + "     if (audio) { const f = l.split(' '); out.push(f.slice(0, 3).concat(f.slice(3).filter(p => keep.has(p)))"
            + "       .join(' ')); continue; } }"
            + "   const a = /^a=(rtpmap|fmtp|rtcp-fb):(\\d+) /.exec(l);"
            + "   if (audio && a && !keep.has(a[2])) continue;"
            + "   out.push(l); }"
            + " return out.join('\\r\\n'); }";

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
            System.err.println("BrowserOpusIT skipped: " + skip);
            return;
        }
        server = AgentServer.start();
        node = Distribution.copy("browser-opus");
        node.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + node.sip, "tcp.port",
                "" + node.sip, "tls.port", "" + node.sipTls, "domain", DOMAIN, "ws.port", "" + node.ws, "wss.port",
                "" + node.wss));
        node.start();
        BrowserCallChecks.addUsers(node, DOMAIN, "alice", "bob");
        assertTrue(Distribution.waitFor(20_000, () -> accepts(node.ws)), "ws listening");
        page = server.page("opus");
        chromium = Chromium.open(node.home.resolve("browser"), page, 30_000);
        page.eval("agent.jssip('alice', {url: " + Page.js("ws://127.0.0.1:" + node.ws + "/ws") + ", uri: "
                + Page.js("sip:alice@" + DOMAIN) + ", password: 'alice-secret-1', register: true,"
                + " register_expires: 300}).start();", EVENT_MILLIS);
        event("alice.registered");
    }

    @BeforeEach
    void skipUnlessReady() {
        assumeTrue(skip == null, skip);
    }

    @AfterAll
    void stop() throws Exception {
        if (phone != null) {
            phone.close();
        }
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

    @Test
    void opusOnlyBrowserCallsPcmuPhoneThroughTheTranscoder() throws Exception {
        Path dir = node.home.resolve("phone-bob");
        Files.createDirectories(dir);
        Path tone = dir.resolve("tone.wav");
        Tones.writeSine(tone, 1000, 8000, 30);
        phone = Baresip.start(dir, "bob", "bob-secret-1", DOMAIN, node.sip, tone);
        assertTrue(phone.waitRegistered(10_000) && phone.registered(), () -> "bob did not register\n" + phone.output());
        phone.connect();

        // the browser's microphone is a WebAudio tone: Chromium's fake microphone beeps, but with Opus its audio
        // processing leaves the beep ~30 dB quieter than with PCMU (libopus decodes the captured packets the same)
        page.eval("const opusOnly = " + OPUS_ONLY + ";"
                + "const ctx = new AudioContext(); const osc = ctx.createOscillator(); osc.frequency.value = "
                + BROWSER_HZ + "; const gain = ctx.createGain(); gain.gain.value = 0.3;"
                + " const dst = ctx.createMediaStreamDestination(); osc.connect(gain).connect(dst); osc.start();"
                + " await ctx.resume(); agent.objects.tone = ctx;"
                + "const s = agent.objects.alice.call('sip:bob@" + DOMAIN + "', {mediaStream: dst.stream,"
                + " pcConfig: {iceServers: []}, eventHandlers: {sdp: e => {"
                + "  if (e.originator === 'local' && e.type === 'offer') { e.sdp = opusOnly(e.sdp);"
                + "    agent.emit('offer', {sdp: e.sdp}); } }}}); agent.watch(s);", EVENT_MILLIS);
        JsonObject offer = event("offer");
        String sdp = offer.getAsJsonObject("data").get("sdp").getAsString();
        assertFalse(sdp.contains("PCMU") || sdp.contains("PCMA"), () -> "the browser's offer has G.711: " + sdp);
        assertTrue(sdp.contains("opus/48000"), sdp);
        assertNotNull(phone.waitEvent("CALL_ESTABLISHED", EVENT_MILLIS), () -> "phone: no call\n" + diagnostics());
        event("call.confirmed");

        // the browser plays the phone's tone, decoded from the node's Opus
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonElement stats = null;
        boolean heard = false;
        while (!heard && System.nanoTime() < end) {
            stats = page.eval("return await agent.audioStats();", EVENT_MILLIS);
            JsonObject in = stats.isJsonObject() && stats.getAsJsonObject().has("in")
                    ? stats.getAsJsonObject().getAsJsonObject("in") : null;
            heard = in != null && in.get("packetsReceived").getAsLong() > 100
                    && (number(in, "audioLevel") > 0 || number(in, "totalAudioEnergy") > 0);
            if (!heard) {
                Thread.sleep(250);
            }
        }
        JsonElement last = stats;
        assertTrue(heard, () -> "browser does not hear the phone: " + last + "\n" + diagnostics());
        System.out.println("BrowserOpusIT: browser stats " + stats);
        System.out.println("BrowserOpusIT: pb:calls -v during the call:\n" + cli("pb:calls -v"));
        String codecs = stats.getAsJsonObject().get("codecs").toString().toLowerCase();
        assertTrue(codecs.contains("audio/opus") && !codecs.contains("pcmu"), () -> "browser codecs " + last);
        assertTrue((String.join("\n", node.output()) + node.log()).contains("no common codec, transcoding"),
                () -> "no transcoding logged\n" + diagnostics());
        Thread.sleep(1500); // enough of the browser's tone for the phone's recording

        // RFC 4733 from the browser: telephone-event/48000 in, the phone's 8 kHz type out
        page.eval("agent.objects.call.sendDTMF('5', {transportType: 'RFC2833', duration: 160});", EVENT_MILLIS);
        assertTrue(Distribution.waitFor(5_000, () -> phone.output().contains("received event: '5'")),
                () -> "phone: no RFC 4733 event '5'\n" + diagnostics());
        // SIP INFO from the browser: the node inserts RFC 4733 into the transcoded stream towards the phone
        page.eval("agent.objects.call.sendDTMF('7', {transportType: 'INFO', duration: 160});", EVENT_MILLIS);
        assertTrue(Distribution.waitFor(5_000, () -> phone.output().contains("received event: '7'")),
                () -> "phone: INFO '7' did not arrive as RFC 4733\n" + diagnostics());
        page.eval("agent.objects.call.terminate();", EVENT_MILLIS);
        event("call.ended");
        assertNotNull(phone.waitEvent("CALL_CLOSED", EVENT_MILLIS), () -> "phone: BYE missing\n" + diagnostics());
        phone.close();
        assertPhoneHeardBrowser();
    }

    /**
     * The phone's recording holds the browser's 600 Hz tone: at least ten 100 ms windows with int16 RMS > 1000 where
     * 600 Hz carries most of the energy (Goertzel).
     */
    private void assertPhoneHeardBrowser() throws Exception {
        Path rec = phone.recording();
        assertNotNull(rec, () -> "phone recorded nothing\n" + diagnostics());
        Tones.Pcm pcm = Tones.read(rec);
        short[] s = pcm.samples();
        int rate = pcm.rate();
        int window = rate / 10;
        int windows = 0;
        int tone = 0;
        double k = 2 * Math.cos(2 * Math.PI * BROWSER_HZ / rate);
        for (int from = 0; from + window <= s.length; from += window) {
            double sum = 0;
            double s1 = 0;
            double s2 = 0;
            for (int i = from; i < from + window; i++) {
                sum += (double) s[i] * s[i];
                double s0 = s[i] + k * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            double mean = sum / window;
            double atHz = 2 * (s1 * s1 + s2 * s2 - k * s1 * s2) / ((double) window * window);
            windows++;
            if (Math.sqrt(mean) > 1000 && atHz > 0.7 * mean) {
                tone++;
            }
        }
        String what = "phone recording " + rec.getFileName() + ": " + tone + " of " + windows
                + " 100 ms windows with the browser's " + BROWSER_HZ + " Hz tone (RMS > 1000, > 70 % of the energy)";
        System.out.println("BrowserOpusIT: " + what);
        assertTrue(tone >= 10, () -> what + "\n" + diagnostics());
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
