package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SIP MESSAGE (RFC 3428) through the real distribution between SIPp peers: senders authenticate (407), recipients
 * register with digest auth and answer 200; what each phone received is read back from SIPp's message trace, and what
 * the node recorded from the REST API and the shell. Each test has its own sender and recipient, so the per-sender
 * rate limit (5 a minute here) of one test never touches another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessagingIT {
    static final String DOMAIN = "msg.test";
    private static final String PASSWORD = "msg-secret-1";
    private static final Pattern CALL_ID = Pattern.compile("^Call-ID:\\s*(\\S+)", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

    private Distribution node;
    private Path work;

    @BeforeAll
    void start() throws Exception {
        node = Distribution.copy("messaging");
        node.writeConf("org.patchbay.sip.cfg", Map.of("host", "127.0.0.1", "udp.port", "" + node.sip, "tcp.port",
                "" + node.sip, "tls.port", "" + node.sipTls, "domain", DOMAIN));
        node.writeConf("org.patchbay.messaging.cfg", Map.of("max.body.bytes", "2048", "rate.per.minute", "5",
                "retry.base.seconds", "1"));
        node.start();
        work = Files.createDirectories(node.home.resolve("sipp"));
        assertTrue(Distribution.waitFor(20_000, () -> cli("pb:msgqueue").contains("queue empty")),
                "messaging up; pb:msgqueue says " + cli("pb:msgqueue") + "\n" + String.join("\n", node.output()));
    }

    /** SIGTERM with 30 s to stop (a loaded 2-core machine needs more than the harness's 10 s), then SIGKILL and fail. */
    @AfterAll
    void stop() throws Exception {
        if (node != null && node.process() != null && node.process().isAlive()) {
            try {
                node.stop(30_000);
            } catch (IllegalStateException e) {
                // what the node is stuck on: a thread dump (SIGQUIT) into its output
                new ProcessBuilder("kill", "-3", Long.toString(node.process().pid())).start().waitFor();
                Thread.sleep(1000);
                List<String> out = node.output();
                node.kill9();
                throw new IllegalStateException(e.getMessage() + "; output:\n"
                        + String.join("\n", out.subList(Math.max(0, out.size() - 400), out.size())), e);
            }
        }
    }

    @Test
    void onlineMessageReachesEveryDeviceOfTheRecipientOnce() throws Exception {
        String alice = user("alice1");
        String bob = user("bob1");
        int phone1 = register(bob);
        int phone2 = register(bob);
        try (Sipp uas1 = phone(phone1, 1, "bob1-phone1"); Sipp uas2 = phone(phone2, 1, "bob1-phone2")) {
            Thread.sleep(200);
            send("uac_message.xml", alice, bob, 1, "hello bob");
            assertEquals(0, uas1.await(20), uas1.output());
            assertEquals(0, uas2.await(20), uas2.output());
        }
        assertEquals(List.of("hello bob #1"), received("bob1-phone1"));
        assertEquals(List.of("hello bob #1"), received("bob1-phone2"));
        JsonObject m = history(alice, bob).get(0).getAsJsonObject();
        assertEquals("hello bob #1", m.get("body").getAsString().strip());
        // the phones' 2xx are in; the node records the delivery right after, on its own thread
        long id = m.get("id").getAsLong();
        assertTrue(Distribution.waitFor(5_000, () -> "DELIVERED".equals(status(id))), message(id));
        assertTrue(Distribution.waitFor(5_000, () -> deliveredOnce(id, 2)), message(id));
    }

    @Test
    void refusedMessagesAreNeverStored() throws Exception {
        String alice = user("alice2");
        String bob = user("bob2");
        send("uac_message_404.xml", alice, "nobody", 1, "to nobody");
        send("uac_message_413.xml", alice, bob, 1, "x".repeat(3000));
        send("uac_message_415.xml", alice, bob, 1, "binary");
        send("uac_message_noauth.xml", alice, bob, 1, "never authenticated");
        send("uac_message_480.xml", alice, bob, 1, "typing");
        assertEquals(0, history(alice, bob).size(), "nothing stored: " + history(alice, bob));
        assertTrue(cli("pb:msgqueue " + bob + "@" + DOMAIN).contains("nothing queued for"));

        String eve = user("eve");
        send("uac_message.xml", eve, bob, 5, "burst");
        send("uac_message_503.xml", eve, bob, 1, "one too many");
        assertEquals(5, history(eve, bob).size());
        assertTrue(node.log().contains(eve + "@" + DOMAIN + " sent more than 5 messages within a minute"), "one log line");
    }

    @Test
    void offlineQueueSurvivesKillMinus9AndIsDeliveredOnceInOrderAfterRegistration() throws Exception {
        String alice = user("alice3");
        String bob = user("bob3");
        send("uac_message.xml", alice, bob, 2, "while you were out");
        String queue = cli("pb:msgqueue " + bob + "@" + DOMAIN);
        assertTrue(queue.contains("2 messages"), queue);

        node.kill9();
        node.start();
        assertTrue(Distribution.waitFor(20_000, () -> cli("pb:msgqueue " + bob + "@" + DOMAIN).contains("2 messages")),
                "queue after kill -9: " + cli("pb:msgqueue"));

        int phone = register(bob);
        try (Sipp uas = phone(phone, 2, "bob3")) {
            assertEquals(0, uas.await(20), uas.output());
        }
        assertEquals(List.of("while you were out #1", "while you were out #2"), received("bob3"));
        assertTrue(Distribution.waitFor(5_000, () -> cli("pb:msgqueue " + bob + "@" + DOMAIN).contains("nothing queued")));
        for (var e : history(alice, bob)) {
            long id = e.getAsJsonObject().get("id").getAsLong();
            assertTrue(deliveredOnce(id, 1), message(id));
        }
    }

    @Test
    void imdnDisplayNotificationReachesTheSenderAndMarksTheMessageDisplayed() throws Exception {
        String alice = user("alice4");
        String bob = user("bob4");
        int alicePhone = register(alice);
        int bobPhone = register(bob);
        try (Sipp bobUas = phone(bobPhone, 2, "bob4"); Sipp aliceUas = phone(alicePhone, 1, "alice4")) {
            Thread.sleep(200);
            sendKeyed("uac_message_cpim.xml", alice, bob, "text", "read me", "imdn", "imdn-e2e-1");
            // is-composing to an online device is relayed (202) and not stored
            send("uac_message_composing.xml", alice, bob, 1, "");
            assertEquals(0, bobUas.await(20), bobUas.output());
            sendKeyed("uac_imdn_displayed.xml", bob, alice, "text", "", "imdn", "imdn-e2e-1");
            assertEquals(0, aliceUas.await(20), aliceUas.output());
        }
        assertTrue(String.join("\n", receivedBodies("alice4")).contains("<message-id>imdn-e2e-1</message-id>"));
        JsonArray h = history(alice, bob);
        assertEquals(1, h.size(), "is-composing and the notification are not in the conversation: " + h);
        JsonObject m = h.get(0).getAsJsonObject();
        assertEquals("imdn-e2e-1", m.get("imdnId").getAsString());
        assertEquals("DISPLAYED", m.get("status").getAsString());
    }

    @Test
    void bundleStopUpdateStartLosesNoQueuedMessage() throws Exception {
        String alice = user("alice5");
        String bob = user("bob5");
        send("uac_message.xml", alice, bob, 1, "across an update");
        String id = bundleId("org.patchbay.messaging");
        cli("stop " + id);
        assertTrue(cli("lb -s org.patchbay.messaging").contains("Resolved"), cli("lb -s org.patchbay.messaging"));
        cli("update " + id);
        cli("start " + id);
        assertTrue(cli("lb -s org.patchbay.messaging").contains("Active"), cli("lb -s org.patchbay.messaging"));
        assertTrue(Distribution.waitFor(20_000, () -> cli("pb:msgqueue " + bob + "@" + DOMAIN).contains("1 message")),
                "after the update: " + cli("pb:msgqueue"));
        int phone = register(bob);
        try (Sipp uas = phone(phone, 1, "bob5")) {
            assertEquals(0, uas.await(20), uas.output());
        }
        assertEquals(List.of("across an update #1"), received("bob5"));
    }

    /** A real phone: baresip registers, gets the message and answers 2xx, which the node records as delivered once. */
    @Test
    void baresipReceivesTheMessage() throws Exception {
        assumeTrue(Files.isExecutable(Baresip.BINARY), "baresip is not installed (apt-get install baresip)");
        String alice = user("alice7");
        String bob = user("bob7");
        Path tone = work.resolve("bob7.wav");
        Tones.writeSine(tone, 440, 8000, 1);
        try (Baresip phone = Baresip.start(work.resolve("bob7"), bob, PASSWORD, DOMAIN, node.sip, tone)) {
            assertTrue(phone.waitRegistered(15_000), phone.output());
            send("uac_message.xml", alice, bob, 1, "hello baresip");
            long id = history(alice, bob).get(0).getAsJsonObject().get("id").getAsLong();
            assertTrue(Distribution.waitFor(10_000, () -> deliveredOnce(id, 1)), message(id) + "\n" + phone.output());
            // baresip 1.0 prints received messages on stdout, which it does not flush into a pipe: its 2xx is the proof
        }
    }

    @Test
    void restSendsPagesTheConversationAndRefusesLikeSip() throws Exception {
        String alice = user("alice6");
        String bob = user("bob6");
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> r = node.api("POST", "/messages", "{\"from\":\"" + alice + "@" + DOMAIN + "\",\"to\":\""
                    + bob + "@" + DOMAIN + "\",\"body\":\"rest " + i + "\"}");
            assertEquals(202, r.statusCode(), r.body());
        }
        String pair = "/messages?user=" + bob + "@" + DOMAIN + "&peer=" + alice + "@" + DOMAIN;
        JsonObject first = JsonParser.parseString(node.api("GET", pair + "&limit=2", null).body()).getAsJsonObject();
        assertEquals(List.of("rest 3", "rest 2"), bodies(first.getAsJsonArray("messages")));
        JsonObject second = JsonParser.parseString(node.api("GET", pair + "&limit=2&before=" + first.get("next").getAsLong(),
                null).body()).getAsJsonObject();
        assertEquals(List.of("rest 1"), bodies(second.getAsJsonArray("messages")));
        assertTrue(second.get("next").isJsonNull());
        String queue = node.api("GET", "/messages/queue?user=" + bob + "@" + DOMAIN, null).body();
        assertEquals(3, JsonParser.parseString(queue).getAsJsonObject().getAsJsonArray("messages").size(), queue);
        assertTrue(cli("pb:messages " + alice + "@" + DOMAIN + " " + bob + "@" + DOMAIN).contains("3 messages"));

        HttpResponse<String> big = node.api("POST", "/messages", "{\"from\":\"" + alice + "@" + DOMAIN + "\",\"to\":\""
                + bob + "@" + DOMAIN + "\",\"body\":\"" + "x".repeat(3000) + "\"}");
        assertEquals(413, big.statusCode(), big.body());
        HttpResponse<String> unknown = node.api("POST", "/messages", "{\"from\":\"" + alice + "@" + DOMAIN
                + "\",\"to\":\"nobody@" + DOMAIN + "\",\"body\":\"hi\"}");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals(400, node.api("POST", "/messages", "{not json").statusCode());
        assertEquals(401, node.request("GET", "/api/v1/messages", null, null).statusCode());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static List<String> bodies(JsonArray messages) {
        List<String> out = new ArrayList<>();
        messages.forEach(m -> out.add(m.getAsJsonObject().get("body").getAsString()));
        return out;
    }

    /** Creates user {@code name} and its SIPp injection file; returns the name. */
    private String user(String name) throws Exception {
        HttpResponse<String> r = node.api("POST", "/users",
                "{\"user\":\"" + name + "@" + DOMAIN + "\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        Files.writeString(work.resolve(name + ".csv"), "SEQUENTIAL\n" + name + ";[authentication username=" + name
                + " password=" + PASSWORD + "];" + DOMAIN + "\n");
        return name;
    }

    /** Registers {@code user} (digest, UDP) from a fresh port; returns the port its phone then listens on. */
    private int register(String user) throws Exception {
        // a port free for UDP too: a running phone holds UDP ports that a TCP probe cannot see
        try (Sipp reg = Sipp.start(work, SipTarget.freeSipPort(), "register_auth.xml", "127.0.0.1:" + node.sip, "-inf",
                work.resolve(user + ".csv").toString(), "-m", "1", "-timeout", "15", "-timeout_error")) {
            assertEquals(0, reg.await(20), reg.output());
            return reg.port;
        }
    }

    /** A phone on {@code port} answering {@code count} MESSAGEs with 200, tracing them to {@code <name>.messages}. */
    private Sipp phone(int port, int count, String name) throws Exception {
        return Sipp.start(work, port, "uas_message.xml", null, "-m", "" + count, "-timeout", "20", "-timeout_error",
                "-trace_msg", "-message_file", work.resolve(name + ".messages").toString());
    }

    private void send(String scenario, String from, String to, int count, String text) throws Exception {
        sendKeyed(scenario, from, to, count, "text", text);
    }

    private void sendKeyed(String scenario, String from, String to, String... keys) throws Exception {
        sendKeyed(scenario, from, to, 1, keys);
    }

    private void sendKeyed(String scenario, String from, String to, int count, String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("-inf", work.resolve(from + ".csv").toString(), "-s", to, "-m",
                "" + Math.max(1, count), "-timeout", "20", "-timeout_error"));
        for (int i = 0; i + 1 < keys.length; i += 2) {
            args.addAll(List.of("-key", keys[i], keys[i + 1].isEmpty() ? "-" : keys[i + 1]));
        }
        try (Sipp uac = Sipp.start(work, SipTarget.freeSipPort(), scenario, "127.0.0.1:" + node.sip, args.toArray(new String[0]))) {
            assertEquals(0, uac.await(30), scenario + " from " + from + " to " + to + ": " + uac.output()
                    + "\nnode log:\n" + tail(node.log()));
        }
    }

    /** Bodies of the MESSAGE requests a phone received, one per Call-ID (retransmissions count once), in arrival order. */
    private List<String> received(String name) throws Exception {
        return receivedBodies(name).stream().map(String::strip).toList();
    }

    private List<String> receivedBodies(String name) throws Exception {
        String log = Files.readString(work.resolve(name + ".messages")).replace("\r\n", "\n");
        List<String> bodies = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String block : log.split("-{10,} *[^\\n]*\\n")) {
            int at = block.indexOf("MESSAGE sip:");
            if (!block.contains("message received") || at < 0) {
                continue;
            }
            String b = block.substring(at).strip();
            Matcher cid = CALL_ID.matcher(b);
            String id = cid.find() ? cid.group(1) : b;
            if (seen.contains(id)) {
                continue;
            }
            seen.add(id);
            int split = b.indexOf("\n\n");
            bodies.add(split < 0 ? "" : b.substring(split).strip());
        }
        return bodies;
    }

    private JsonArray history(String a, String b) throws Exception {
        HttpResponse<String> r = node.api("GET", "/messages?user=" + a + "@" + DOMAIN + "&peer=" + b + "@" + DOMAIN, null);
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("messages");
    }

    /** The message reached {@code devices} devices, each on the first attempt. */
    /** The message's status as the REST API gives it, or null. */
    private String status(long id) {
        try {
            HttpResponse<String> r = node.api("GET", "/messages/" + id, null);
            return JsonParser.parseString(r.body()).getAsJsonObject().get("status").getAsString();
        } catch (Exception e) {
            return null;
        }
    }

    private boolean deliveredOnce(long id, int devices) {
        try {
            HttpResponse<String> r = node.api("GET", "/messages/" + id, null);
            JsonArray d = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("deliveries");
            int ok = 0;
            for (var e : d) {
                JsonObject o = e.getAsJsonObject();
                if (o.get("status").getAsString().equals("DELIVERED") && o.get("attempts").getAsInt() == 1) {
                    ok++;
                }
            }
            return d.size() == devices && ok == devices;
        } catch (Exception e) {
            return false;
        }
    }

    private String message(long id) {
        return cli("pb:message " + id);
    }

    private String bundleId(String bsn) {
        String lb = cli("lb -s " + bsn);
        Matcher m = Pattern.compile("^\\s*(\\d+)\\s*\\|.*" + Pattern.quote(bsn), Pattern.MULTILINE).matcher(lb);
        assertTrue(m.find(), lb);
        return m.group(1);
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    private String cli(String command) {
        try (Telnet t = new Telnet(node.telnet)) {
            return t.run(command);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
