package org.patchbay.media.internal.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patchbay.api.media.MediaHook;
import org.patchbay.media.internal.relay.MediaEngine;
import org.patchbay.media.internal.srtp.SdesCrypto;
import org.patchbay.media.internal.srtp.SrtpContext;

/** The bench hook's JSON and session lifecycle against a real media engine over loopback UDP. */
class BenchSessionsTest {
    private MediaEngine engine;
    private BenchSessions sessions;
    private MediaHook hook;
    private DatagramSocket a;
    private DatagramSocket b;

    @BeforeEach
    void setUp() throws IOException {
        int base = 36000 + 2 * ThreadLocalRandom.current().nextInt(2000);
        engine = new MediaEngine(new MediaEngine.Settings("127.0.0.1", "127.0.0.1", base, base + 7, 1, 60, true),
                new MediaEngine.Calls() {
                    @Override
                    public boolean answered(String callId) {
                        return false;
                    }

                    @Override
                    public void end(String callId, String reason) {
                    }
                });
        hook = new MediaHook() {
            @Override
            public String sdpFor(String callId, String fromLeg, String toLeg, Kind kind, String sdp) {
                return engine.sdpFor(callId, fromLeg, toLeg, kind, sdp);
            }

            @Override
            public void release(String callId) {
                engine.release(callId);
            }
        };
        sessions = new BenchSessions(hook, 4242);
        a = socket();
        b = socket();
    }

    private static DatagramSocket socket() throws SocketException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.setSoTimeout(2000);
        return s;
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
        engine.close(false);
    }

    private String leg(String id, DatagramSocket x, DatagramSocket y) {
        return "{\"id\": \"" + id + "\", \"a\": {\"addr\": \"127.0.0.1:" + x.getLocalPort() + "\", \"srtp\": null},"
                + " \"b\": {\"addr\": \"127.0.0.1:" + y.getLocalPort() + "\", \"srtp\": null}}";
    }

    private static InetSocketAddress addr(JsonObject session, String side) {
        String s = session.getAsJsonObject(side).get("relay").getAsString();
        int colon = s.lastIndexOf(':');
        return new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
    }

    private static byte[] rtp(int seq) {
        byte[] p = new byte[172];
        p[0] = (byte) 0x80;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[11] = 7;
        p[100] = (byte) seq;
        return p;
    }

    private static void relayOnce(DatagramSocket from, InetSocketAddress relay, DatagramSocket to, int seq)
            throws IOException {
        byte[] sent = rtp(seq);
        from.send(new DatagramPacket(sent, sent.length, relay));
        DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
        to.receive(got);
        byte[] data = java.util.Arrays.copyOf(got.getData(), got.getLength());
        assertArrayEquals(sent, data, "relayed byte for byte");
        assertNotEquals(relay.getPort(), got.getPort(), "sent from the other leg's relay port");
    }

    @Test
    void createRelayBothWaysDeleteFreesPorts() throws Exception {
        JsonObject out = sessions.create("{\"codec\": \"PCMU/8000\", \"ptime\": 20, \"legs\": [" + leg("c0", a, b) + "]}");
        assertEquals(4242, out.get("pid").getAsLong());
        assertEquals(1, out.getAsJsonArray("sessions").size());
        JsonObject s = out.getAsJsonArray("sessions").get(0).getAsJsonObject();
        assertEquals("c0", s.get("id").getAsString());
        assertTrue(s.getAsJsonObject("a").get("srtp").isJsonNull());
        InetSocketAddress ra = addr(s, "a");
        InetSocketAddress rb = addr(s, "b");
        assertEquals("127.0.0.1", ra.getHostString());
        assertNotEquals(ra.getPort(), rb.getPort());
        assertEquals(2, engine.endpoints());

        relayOnce(a, ra, b, 1);
        relayOnce(b, rb, a, 2);

        JsonObject del = sessions.delete("{\"ids\": [\"c0\", \"unknown\"]}");
        assertEquals(1, del.get("deleted").getAsInt());
        assertEquals(0, sessions.size());
        for (int i = 0; i < 100 && engine.portsInUse() > 0; i++) {
            Thread.sleep(20);
        }
        assertEquals(0, engine.portsInUse());
        // the relay ports are really closed: they bind again
        try (DatagramSocket again = new DatagramSocket(ra); DatagramSocket again2 = new DatagramSocket(rb)) {
            assertTrue(again.isBound() && again2.isBound());
        }
    }

    @Test
    void srtpLegIsTerminatedByTheNode() throws Exception {
        BenchSessions srtp = new BenchSessions(hook, engine::terminateSdes, 4242);
        byte[] keySalt = new byte[30];
        ThreadLocalRandom.current().nextBytes(keySalt);
        String ours = "AES_CM_128_HMAC_SHA1_80:" + Base64.getEncoder().encodeToString(keySalt);
        JsonObject out = srtp.create("{\"legs\": [{\"id\": \"s0\", \"a\": {\"addr\": \"127.0.0.1:" + a.getLocalPort()
                + "\", \"srtp\": \"" + ours + "\"}, \"b\": {\"addr\": \"127.0.0.1:" + b.getLocalPort()
                + "\", \"srtp\": null}}]}");
        JsonObject s = out.getAsJsonArray("sessions").get(0).getAsJsonObject();
        assertTrue(s.getAsJsonObject("b").get("srtp").isJsonNull());
        String theirs = s.getAsJsonObject("a").get("srtp").getAsString();
        assertTrue(theirs.startsWith("AES_CM_128_HMAC_SHA1_80:"), theirs);
        assertNotEquals(ours, theirs, "the node protects with a key of its own");
        SrtpContext send = SdesCrypto.parse("crypto:1 " + ours.replace(":", " inline:")).context();
        SrtpContext receive = SdesCrypto.parse("crypto:1 " + theirs.replace(":", " inline:")).context();

        // A -> B: SRTP in, plain RTP out
        byte[] plain = rtp(5);
        byte[] wire = java.util.Arrays.copyOf(plain, plain.length + 10);
        int n = send.protectRtp(wire, 0, plain.length);
        a.send(new DatagramPacket(wire, n, addr(s, "a")));
        DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
        b.receive(got);
        assertArrayEquals(plain, java.util.Arrays.copyOf(got.getData(), got.getLength()), "decrypted for B");
        // B -> A: plain RTP in, SRTP out under the node's key
        byte[] back = rtp(6);
        b.send(new DatagramPacket(back, back.length, addr(s, "b")));
        got = new DatagramPacket(new byte[2048], 2048);
        a.receive(got);
        assertEquals(back.length + 10, got.getLength(), "an 80-bit tag added");
        byte[] in = java.util.Arrays.copyOf(got.getData(), got.getLength());
        assertEquals(back.length, receive.unprotectRtp(in, 0, in.length));
        assertArrayEquals(back, java.util.Arrays.copyOf(in, back.length), "encrypted for A under the node's key");
        srtp.clear();
    }

    @Test
    void badRequestsAreRefusedAndLeaveNothingBehind() throws Exception {
        assertEquals(400, status("not json"));
        assertEquals(400, status("[1]"));
        assertEquals(400, status("{\"legs\": []}"));
        assertEquals(400, status("{\"codec\": \"opus/48000\", \"legs\": [" + leg("c0", a, b) + "]}"));
        assertEquals(400, status("{\"legs\": [{\"id\": \"c0\", \"a\": {\"addr\": \"nohost\"}, \"b\": {\"addr\": \"127.0.0.1:1\"}}]}"));
        assertEquals(400, status("{\"legs\": [{\"id\": \"c0\", \"a\": {\"addr\": \"127.0.0.1:70000\"}, \"b\": {\"addr\": \"127.0.0.1:1\"}}]}"));
        assertEquals(400, status("{\"legs\": [{\"id\": \"c0\", \"a\": {\"addr\": \"127.0.0.1:5\","
                + " \"srtp\": \"AES_CM_128_HMAC_SHA1_80:AAAA\"}, \"b\": {\"addr\": \"127.0.0.1:1\"}}]}"));
        // a duplicate id in one request: the first session is rolled back too
        assertEquals(409, status("{\"legs\": [" + leg("c1", a, b) + ", " + leg("c1", a, b) + "]}"));
        // 4 port pairs: the third session's legs do not fit, the whole request is undone
        StringBuilder many = new StringBuilder("{\"legs\": [");
        for (int i = 0; i < 3; i++) {
            many.append(i == 0 ? "" : ", ").append(leg("m" + i, a, b));
        }
        assertEquals(503, status(many.append("]}").toString()));
        assertEquals(0, sessions.size());
        assertEquals(400, deleteStatus("{}"));
        assertEquals(0, JsonParser.parseString(sessions.delete("{\"ids\": []}").toString()).getAsJsonObject()
                .get("deleted").getAsInt());
        for (int i = 0; i < 100 && engine.portsInUse() > 0; i++) {
            Thread.sleep(20);
        }
        assertEquals(0, engine.portsInUse());
        assertFalse(BenchServlet.loopback("192.0.2.1"));
        assertTrue(BenchServlet.loopback("127.0.0.1"));
        assertTrue(BenchServlet.loopback("0:0:0:0:0:0:0:1"));
    }

    private int status(String body) {
        return assertThrows(BenchSessions.BenchException.class, () -> sessions.create(body)).status();
    }

    private int deleteStatus(String body) {
        return assertThrows(BenchSessions.BenchException.class, () -> sessions.delete(body)).status();
    }
}
