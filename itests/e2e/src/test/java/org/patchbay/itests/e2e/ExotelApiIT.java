package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Exotel's call-connect API on the real distribution (bundle org.patchbay.exotel): SIPp phones as the agent (From, an
 * account's SIP user) and the customer (To). The node rings the agent first (its INVITE carries X-Exotel-Callsid),
 * then the customer, and bridges; the call resource's status is followed with GET and the StatusCallback is received
 * by a local HTTP server. Also busy, no-answer, wrong credentials, bad parameters, and a bundle update mid-call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExotelApiIT {
    static final String DOMAIN = "exo.test";
    private static final String PASSWORD = "exotel-secret-1";
    private static final String TOKEN = "exotel-api-token-0123456789";

    private Distribution node;
    private Path work;
    private HttpServer callbacks;
    private final BlockingQueue<Map<String, String>> posted = new LinkedBlockingQueue<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int users;

    @BeforeAll
    void start() throws Exception {
        node = Distribution.copy("exotel");
        node.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + node.sip, "tcp.port",
                "" + node.sip, "tls.port", "" + node.sipTls, "domain", DOMAIN));
        node.writeConf("org.patchbay.exotel.cfg", Map.of("sip.domain", DOMAIN, "callback.retries", "1"));
        node.start();
        work = Files.createDirectories(node.home.resolve("sipp"));
        callbacks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        callbacks.createContext("/status", x -> {
            posted.add(form(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        callbacks.start();
        assertTrue(Distribution.waitFor(30_000, () -> {
            try {
                return node.api("GET", "/exotel/accounts", null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        }), "exotel admin API up; output:\n" + String.join("\n", node.output()));
        var r = node.api("POST", "/exotel/accounts",
                "{\"sid\":\"acme\",\"name\":\"Acme\",\"apiKey\":\"acmekey\",\"apiToken\":\"" + TOKEN + "\"}");
        assertEquals(201, r.statusCode(), r.body());
    }

    @AfterAll
    void stop() throws Exception {
        if (callbacks != null) {
            callbacks.stop(0);
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void connectRingsTheAgentFirstThenTheCustomerAndReportsEveryStatus() throws Exception {
        String agent = agent();
        String customer = user("cust");
        int agentPort = register(agent);
        int customerPort = register(customer);
        Path trace = work.resolve("agent-" + agentPort + ".log");
        try (Sipp a = Sipp.start(work, agentPort, "exotel_agent.xml", null, "-m", "1", "-timeout", "30",
                "-timeout_error", "-trace_msg", "-message_file", trace.toString());
                Sipp c = Sipp.start(work, customerPort, "exotel_customer.xml", null, "-m", "1", "-d", "3000",
                        "-rtp_echo", "-timeout", "30", "-timeout_error")) {
            Thread.sleep(200);
            HttpResponse<String> post = connect(TOKEN, ".json", Map.of("From", agent, "To", customer + "@" + DOMAIN,
                    "CallerId", "08030752400", "CallType", "trans", "StatusCallback", callbackUrl()));
            assertEquals(200, post.statusCode(), post.body());
            JsonObject call = JsonParser.parseString(post.body()).getAsJsonObject().getAsJsonObject("Call");
            String sid = call.get("Sid").getAsString();
            assertEquals("acme", call.get("AccountSid").getAsString());
            assertEquals(agent, call.get("From").getAsString());
            assertEquals("outbound-api", call.get("Direction").getAsString());
            assertEquals("/v1/Accounts/acme/Calls/" + sid + ".json", call.get("Uri").getAsString());

            assertStatusSeen(sid, "ringing");
            assertStatusSeen(sid, "in-progress");
            // the agent plays a pcap, the customer echoes it: both answered legs are bridged in the media relay
            List<String> snapshots = new ArrayList<>();
            assertTrue(Distribution.waitFor(10_000, () -> {
                String calls = cli("pb:calls -v");
                if (snapshots.isEmpty() || !snapshots.get(snapshots.size() - 1).equals(calls)) {
                    snapshots.add(calls);
                }
                Map<String, long[]> legs = mediaLegs(calls);
                return legs.size() == 2 && legs.values().stream().allMatch(v -> v[0] >= 25 && v[1] >= 25);
            }), "both legs relay media:\n" + String.join("\n----\n", snapshots));
            assertEquals(0, c.await(30), "customer: " + c.output());
            assertEquals(0, a.await(30), "agent: " + a.output());
            assertStatusSeen(sid, "completed");

            JsonObject done = get(sid);
            assertTrue(done.get("Duration").getAsInt() >= 1, done.toString());
            assertTrue(!done.get("EndTime").isJsonNull(), done.toString());
            Map<String, String> cb = callbackFor(sid);
            assertTrue(cb != null, "status callback received");
            assertEquals("completed", cb.get("Status"));
            assertTrue(cb.containsKey("DateUpdated") && cb.containsKey("RecordingUrl"), cb.toString());
            assertTrue(Files.readString(trace).contains("X-Exotel-Callsid: " + sid), "the agent's INVITE names the call");

            HttpResponse<String> xml = request("GET", "/v1/Accounts/acme/Calls/" + sid, TOKEN, null);
            assertEquals(200, xml.statusCode());
            assertTrue(xml.body().contains("<TwilioResponse>") && xml.body().contains("<Status>completed</Status>"),
                    xml.body());
            assertTrue(cli("pb:exotel calls").contains(sid), cli("pb:exotel calls"));
        }
    }

    @Test
    void busyAgentIsBusy() throws Exception {
        String agent = agent();
        int agentPort = register(agent);
        try (Sipp a = Sipp.start(work, agentPort, "uas_busy.xml", null, "-m", "1", "-timeout", "30", "-timeout_error")) {
            Thread.sleep(200);
            String sid = sid(connect(TOKEN, ".json", Map.of("From", agent, "To", "nobody@" + DOMAIN, "CallerId", "0801")));
            assertEquals(0, a.await(30), "agent: " + a.output());
            assertStatusSeen(sid, "busy");
        }
    }

    @Test
    void customerNotAnsweringWithinTimeOutIsNoAnswer() throws Exception {
        String agent = agent();
        String customer = user("cust");
        int agentPort = register(agent);
        int customerPort = register(customer);
        try (Sipp a = Sipp.start(work, agentPort, "exotel_agent.xml", null, "-m", "1", "-timeout", "30",
                "-timeout_error");
                Sipp c = Sipp.start(work, customerPort, "uas_ring.xml", null, "-m", "1", "-timeout", "30",
                        "-timeout_error")) {
            Thread.sleep(200);
            String sid = sid(connect(TOKEN, "", Map.of("From", agent, "To", customer, "CallerId", "0801",
                    "TimeOut", "2")));
            assertEquals(0, c.await(30), "customer cancelled: " + c.output());
            assertEquals(0, a.await(30), "agent hung up: " + a.output());
            assertStatusSeen(sid, "no-answer");
        }
    }

    @Test
    void wrongCredentialsAndBadParametersAreRefusedTheExotelWay() throws Exception {
        String agent = agent();
        HttpResponse<String> wrong = connect("wrong-token-000000000000", ".json",
                Map.of("From", agent, "To", "x", "CallerId", "1"));
        assertEquals(401, wrong.statusCode(), wrong.body());
        assertEquals(401, JsonParser.parseString(wrong.body()).getAsJsonObject().getAsJsonObject("RestException")
                .get("Status").getAsInt());
        HttpResponse<String> unknown = request("POST", "/v1/Accounts/nosuch/Calls/connect.json", TOKEN, "From=a");
        assertEquals(401, unknown.statusCode(), "an unknown account looks like wrong credentials");
        assertEquals(wrong.body(), unknown.body());
        HttpResponse<String> missing = connect(TOKEN, ".json", Map.of("From", agent, "CallerId", "0801"));
        assertEquals(400, missing.statusCode(), missing.body());
        assertTrue(missing.body().contains("To"), missing.body());
        HttpResponse<String> badLimit = connect(TOKEN, "", Map.of("From", agent, "To", "b", "CallerId", "0801",
                "TimeLimit", "forever"));
        assertEquals(400, badLimit.statusCode());
        assertTrue(badLimit.body().contains("<RestException>") && badLimit.body().contains("TimeLimit"), badLimit.body());
        HttpResponse<String> badCallback = connect(TOKEN, ".json", Map.of("From", agent, "To", "b", "CallerId", "0801",
                "StatusCallback", "ftp://127.0.0.1/x"));
        assertEquals(400, badCallback.statusCode(), badCallback.body());
        HttpResponse<String> notOwned = connect(TOKEN, ".json", Map.of("From", "stranger", "To", "b", "CallerId", "0801"));
        assertEquals(400, notOwned.statusCode(), notOwned.body());
        assertEquals(404, request("GET", "/v1/Accounts/acme/Calls/0123.json", TOKEN, null).statusCode());
        assertEquals(405, request("GET", "/v1/Accounts/acme/Calls/connect.json", TOKEN, null).statusCode());
    }

    /** The hot-swap contract: updating the Exotel bundle mid-call drops nothing, and the new one follows the call. */
    @Test
    void bundleUpdateDuringAnAnsweredCallDropsNothing() throws Exception {
        String agent = agent();
        String customer = user("cust");
        int agentPort = register(agent);
        int customerPort = register(customer);
        try (Sipp a = Sipp.start(work, agentPort, "exotel_agent.xml", null, "-m", "1", "-timeout", "40",
                "-timeout_error");
                Sipp c = Sipp.start(work, customerPort, "exotel_customer.xml", null, "-m", "1", "-d", "8000",
                        "-timeout", "40", "-timeout_error")) {
            Thread.sleep(200);
            String sid = sid(connect(TOKEN, ".json", Map.of("From", agent, "To", customer, "CallerId", "0801",
                    "StatusCallback", callbackUrl())));
            assertStatusSeen(sid, "in-progress");
            String id = bundleId("org.patchbay.exotel");
            cli("stop " + id);
            cli("update " + id);
            cli("start " + id);
            assertTrue(cli("lb -s org.patchbay.exotel").contains("Active"), cli("lb -s org.patchbay.exotel"));
            assertTrue(cli("pb:calls").contains(customer + "@" + DOMAIN), "the call is still up: " + cli("pb:calls"));
            assertEquals("in-progress", get(sid).get("Status").getAsString());
            assertEquals(0, c.await(40), "customer: " + c.output());
            assertEquals(0, a.await(40), "agent: " + a.output());
            assertStatusSeen(sid, "completed");
            Map<String, String> cb = callbackFor(sid);
            assertTrue(cb != null && "completed".equals(cb.get("Status")), "callback after the update: " + cb);
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------------

    private String agent() throws Exception {
        String a = user("agent");
        var r = node.api("POST", "/exotel/accounts/acme/users", "{\"user\":\"" + a + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        return a;
    }

    private String user(String prefix) throws Exception {
        String u = prefix + (++users);
        var r = node.api("POST", "/users", "{\"user\":\"" + u + "@" + DOMAIN + "\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        Files.writeString(work.resolve(u + ".csv"), "SEQUENTIAL\n" + u + ";[authentication username=" + u
                + " password=" + PASSWORD + "];" + DOMAIN + "\n");
        return u;
    }

    private int register(String user) throws Exception {
        try (Sipp reg = Sipp.start(work, 0, "register_auth.xml", "127.0.0.1:" + node.sip, "-t", "u1", "-inf",
                work.resolve(user + ".csv").toString(), "-m", "1", "-timeout", "15", "-timeout_error")) {
            assertEquals(0, reg.await(20), reg.output());
            return reg.port;
        }
    }

    private String callbackUrl() {
        return "http://127.0.0.1:" + callbacks.getAddress().getPort() + "/status";
    }

    private HttpResponse<String> connect(String token, String suffix, Map<String, String> params) throws Exception {
        StringBuilder body = new StringBuilder();
        params.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return request("POST", "/v1/Accounts/acme/Calls/connect" + suffix, token, body.toString());
    }

    private HttpResponse<String> request(String method, String path, String token, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.http + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("acmekey:" + token)
                        .getBytes(StandardCharsets.UTF_8)));
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        b.method(method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sid(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        Matcher m = Pattern.compile("\"Sid\":\"([0-9a-f]{32})\"|<Sid>([0-9a-f]{32})</Sid>").matcher(r.body());
        assertTrue(m.find(), r.body());
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    private JsonObject get(String sid) throws Exception {
        HttpResponse<String> r = request("GET", "/v1/Accounts/acme/Calls/" + sid + ".json", TOKEN, null);
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("Call");
    }

    /** Polls GET until the call shows {@code status}; the statuses seen on the way are in the failure message. */
    private void assertStatusSeen(String sid, String status) throws Exception {
        List<String> seen = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            String s = get(sid).get("Status").getAsString();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(s)) {
                seen.add(s);
            }
            if (s.equals(status)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("call " + sid + " never " + status + "; seen " + seen);
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
        Stream.of(body.split("&")).filter(p -> !p.isEmpty()).forEach(p -> {
            int eq = p.indexOf('=');
            m.put(java.net.URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : java.net.URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        });
        return m;
    }

    private static final Pattern MEDIA_LEG = Pattern.compile("media (\\S+) 127\\.0\\.0\\.1:\\d+ <-> "
            + "127\\.0\\.0\\.1:\\d+ sendrecv latched; in (\\d+) pkt .*; out (\\d+) pkt");

    /** Leg id -> {packets in, packets out} of the legs with RTP between the node and a phone, from pb:calls -v. */
    private static Map<String, long[]> mediaLegs(String calls) {
        Map<String, long[]> legs = new LinkedHashMap<>();
        Matcher m = MEDIA_LEG.matcher(calls);
        while (m.find()) {
            legs.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
        }
        return legs;
    }

    private String bundleId(String bsn) {
        String lb = cli("lb -s " + bsn);
        Matcher m = Pattern.compile("^\\s*(\\d+)\\s*\\|.*" + Pattern.quote(bsn), Pattern.MULTILINE).matcher(lb);
        assertTrue(m.find(), lb);
        return m.group(1);
    }

    private String cli(String command) {
        try (Telnet t = new Telnet(node.telnet)) {
            return t.run(command);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
