package org.patchbay.exotel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class RenderTest {
    private static final List<String> FIELDS = List.of("Sid", "ParentCallSid", "DateCreated", "DateUpdated",
            "AccountSid", "To", "From", "PhoneNumberSid", "Status", "StartTime", "EndTime", "Duration", "Price",
            "Direction", "AnsweredBy", "ForwardedFrom", "CallerName", "Uri", "RecordingUrl");

    private static CallResource call() {
        return new CallResource("c5797dcbaaeed7678c4062a4a3ed2f8a", "acme", "x-1", "agent1", "bob<&>", "0801",
                "completed", Instant.parse("2026-11-22T10:48:33Z"), Instant.parse("2026-11-22T10:49:00Z"),
                Instant.parse("2026-11-22T10:49:00Z"), 12, null, null, "none", 0);
    }

    @Test
    void jsonIsTheCallObjectWithExotelsFields() {
        JsonObject o = JsonParser.parseString(Render.json(call(), "/v1")).getAsJsonObject();
        JsonObject c = o.getAsJsonObject("Call");
        assertEquals(FIELDS, List.copyOf(c.keySet()));
        assertEquals("c5797dcbaaeed7678c4062a4a3ed2f8a", c.get("Sid").getAsString());
        assertTrue(c.get("ParentCallSid").isJsonNull());
        assertEquals("2026-11-22 10:48:33", c.get("DateCreated").getAsString());
        assertEquals("completed", c.get("Status").getAsString());
        assertEquals(12, c.get("Duration").getAsInt());
        assertEquals("outbound-api", c.get("Direction").getAsString());
        assertEquals("/v1/Accounts/acme/Calls/c5797dcbaaeed7678c4062a4a3ed2f8a.json", c.get("Uri").getAsString());
        assertEquals("bob<&>", c.get("To").getAsString());
    }

    @Test
    void xmlIsATwilioResponseAndEscapes() throws Exception {
        String xml = Render.xml(call(), "/v1");
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element root = d.getDocumentElement();
        assertEquals("TwilioResponse", root.getTagName());
        Element c = (Element) root.getElementsByTagName("Call").item(0);
        assertEquals("bob<&>", c.getElementsByTagName("To").item(0).getTextContent());
        assertEquals("/v1/Accounts/acme/Calls/c5797dcbaaeed7678c4062a4a3ed2f8a",
                c.getElementsByTagName("Uri").item(0).getTextContent());
        for (String f : FIELDS) {
            assertEquals(1, c.getElementsByTagName(f).getLength(), f);
        }
    }

    @Test
    void errorsAreRestExceptions() throws Exception {
        JsonObject e = JsonParser.parseString(Render.error(400, "Missing parameter From", true)).getAsJsonObject()
                .getAsJsonObject("RestException");
        assertEquals(400, e.get("Status").getAsInt());
        assertEquals("Missing parameter From", e.get("Message").getAsString());
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(
                Render.error(401, "a<b", false).getBytes(StandardCharsets.UTF_8)));
        assertEquals("401", d.getElementsByTagName("Status").item(0).getTextContent());
        assertEquals("a<b", d.getElementsByTagName("Message").item(0).getTextContent());
    }
}
