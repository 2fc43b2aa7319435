package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Another STUN server holds the node's STUN port: the node still prints its ready line, says once why STUN is not
 * served, and reports the stun check degraded while /health stays UP. (Recovery once the port frees is in
 * StunComponentTest: the retry period is 30 s.)
 */
class StunPortTakenIT {

    @Test
    void nodeBecomesReadyWithStunDegraded() throws Exception {
        try (Distribution node = Distribution.copy("stun-taken");
                DatagramSocket taken = new DatagramSocket(node.stun, InetAddress.getByName("127.0.0.1"))) {
            node.start();
            assertTrue(node.output().stream().anyMatch(l -> l.contains("stun: cannot bind 127.0.0.1:" + node.stun
                    + " (UDP: ") && l.contains("STUN is not served")), String.join("\n", node.output()));

            HttpResponse<String> r = node.request("GET", "/health", null, null);
            assertEquals(200, r.statusCode(), r.body());
            JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
            assertEquals("UP", body.get("status").getAsString());
            JsonObject stun = null;
            for (JsonElement c : body.getAsJsonArray("checks")) {
                if (c.getAsJsonObject().get("name").getAsString().equals("stun")) {
                    stun = c.getAsJsonObject();
                }
            }
            assertTrue(stun != null && stun.get("degraded").getAsBoolean(), r.body());
            assertTrue(stun.get("detail").getAsString().startsWith("not serving: cannot bind"), r.body());
        }
    }
}
