package org.patchbay.itests.e2e.exotel;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.patchbay.itests.e2e.browser.AgentServer;
import org.patchbay.itests.e2e.browser.NpmCache;
import org.patchbay.itests.e2e.browser.Page;

/**
 * The unmodified Exotel Voice WebSDK (npm {@value #SPEC}) for browser tests: fetched at test time into the git-ignored
 * e2e cache ({@link NpmCache#vendorPackage}), its {@code dist/} ({@code exotelsdk.js} and the wav files it loads
 * relative to the script) served under {@code /exotel/}, and driven from {@code exotel.html} /
 * {@code exotel-agent.js} exactly through the integration guide's calls.
 */
public final class ExotelSdk {
    public static final String SPEC = "@exotel-npm-dev/webrtc-client-sdk@2.0.5";

    private ExotelSdk() {
    }

    /** Null when the SDK is at hand (fetched now if needed), else why the tests are skipped. */
    public static String unavailable() {
        return NpmCache.vendorUnavailable(SPEC);
    }

    /** Serves the SDK's dist/ from {@code server} under /exotel/. */
    public static void mount(AgentServer server) {
        Path dist = NpmCache.vendorPackage(SPEC).resolve("dist");
        server.mount("exotel", dist);
    }

    /** A page of {@code server} loading the SDK. */
    public static Page page(AgentServer server, String id) {
        return server.page(id, "exotel.html");
    }

    /**
     * The {@code sipAccountInfo} of Exotel's integration guide pointing at a node: SIP over plain WebSocket ({@code
     * security 'ws'}) or TLS ({@code 'wss'}) on 127.0.0.1, the node's WebSocket path {@code /ws} as {@code endpoint}.
     */
    public static Map<String, String> account(String user, String secret, String sipDomain, int port, boolean tls) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("userName", user);
        m.put("authUser", user);
        m.put("displayname", user);
        m.put("sipdomain", sipDomain);
        m.put("domain", "127.0.0.1:" + port);
        m.put("port", "" + port);
        m.put("security", tls ? "wss" : "ws");
        m.put("endpoint", "ws");
        m.put("secret", secret);
        m.put("accountSid", "e2e");
        return m;
    }

    /** The script that initialises the SDK with {@code account} (see {@code exotel-agent.js}). */
    public static String init(Map<String, String> account) {
        return "return exotel.init(" + Page.js(account) + ");";
    }
}
