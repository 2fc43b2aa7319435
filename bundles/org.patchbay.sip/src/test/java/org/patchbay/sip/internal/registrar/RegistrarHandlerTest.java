package org.patchbay.sip.internal.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sip.header.ContactHeader;
import javax.sip.header.Header;
import javax.sip.header.MinExpiresHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.junit.jupiter.api.Test;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.DigestAlgorithm;
import org.patchbay.api.location.Binding;
import org.patchbay.sip.internal.auth.Authenticator;
import org.patchbay.sip.internal.fakes.DigestClient;
import org.patchbay.sip.internal.fakes.FakeExchange;
import org.patchbay.sip.internal.fakes.FakeLocation;
import org.patchbay.sip.internal.fakes.FakeNode;
import org.patchbay.sip.spi.SipExchange;

class RegistrarHandlerTest {
    private static final Aor ALICE = Aor.parse("alice@example.com");
    private static final InetSocketAddress SOURCE = new InetSocketAddress("203.0.113.9", 40001);

    private final FakeNode node = new FakeNode();
    private final FakeLocation location = new FakeLocation();
    private final RegistrarHandler registrar = new RegistrarHandler(location, new RegistrarSettings(60, 7200, 3600),
            Clock.fixed(location.now, ZoneOffset.UTC));
    private Aor authenticated = ALICE;
    private final Authenticator auth = new Authenticator() {
        @Override
        public Optional<Aor> authenticate(SipExchange exchange, boolean proxy) {
            if (authenticated == null) {
                exchange.respond(401);
                return Optional.empty();
            }
            return Optional.of(authenticated);
        }

        @Override
        public boolean admit(Request request, InetSocketAddress source) {
            return true;
        }
    };
    private int cseq = 10;

    private FakeExchange registerAs(String callId, String ruri, String to, String... headers) throws Exception {
        StringBuilder sb = new StringBuilder("REGISTER " + ruri + " SIP/2.0\n"
                + "Via: SIP/2.0/TCP 10.0.0.5:5062;branch=z9hG4bK-" + cseq + "\n"
                + "From: <" + to + ">;tag=f1\n"
                + "To: <" + to + ">\n"
                + "Call-ID: " + callId + "\n"
                + "CSeq: " + cseq++ + " REGISTER\n"
                + "Max-Forwards: 70\n"
                + "User-Agent: Test Phone 1.0\n");
        for (String h : headers) {
            sb.append(h).append('\n');
        }
        sb.append("Content-Length: 0\n\n");
        FakeExchange x = new FakeExchange(node, sb.toString(), SOURCE, "tcp", auth);
        registrar.handle(x);
        return x;
    }

    private FakeExchange reg(String... headers) throws Exception {
        return registerAs("call-1", "sip:example.com", "sip:alice@example.com", headers);
    }

    private static List<String> contacts(Response r) {
        List<String> out = new ArrayList<>();
        for (var it = r.getHeaders(ContactHeader.NAME); it.hasNext();) {
            out.add(((Header) it.next()).toString().strip());
        }
        return out;
    }

    @Test
    void registersAndAnswersWithEveryContactTheirExpiryAndDate() throws Exception {
        FakeExchange x = reg("Contact: <sip:alice@10.0.0.5:5062;transport=tcp>", "Expires: 600");
        Response r = x.last();
        assertEquals(200, r.getStatusCode());
        assertEquals(List.of("Contact: <sip:alice@10.0.0.5:5062;transport=tcp>;expires=600"), contacts(r));
        assertNotNull(r.getHeader("Date"));
        Binding b = location.lookup(ALICE).get(0);
        assertEquals("sip:alice@10.0.0.5:5062;transport=tcp", b.contact());
        assertEquals("tcp", b.transport());
        assertEquals(SOURCE, b.source());
        assertEquals("tcp:" + SOURCE, b.flow());
        assertEquals("Test Phone 1.0", b.userAgent());
        assertEquals("sip", b.adapter());
        assertEquals("call-1", b.callId());
        assertEquals(location.now.plusSeconds(600), b.expires());

        FakeExchange second = registerAs("call-2", "sip:example.com", "sip:alice@example.com",
                "Contact: <sip:alice@10.0.0.6>;q=0.5");
        assertEquals(2, contacts(second.last()).size());
        assertTrue(contacts(second.last()).contains("Contact: <sip:alice@10.0.0.6>;expires=3600;q=0.5"),
                contacts(second.last()).toString());
    }

    @Test
    void theNodesAddressStandsForTheDefaultDomain() throws Exception {
        FakeExchange x = registerAs("call-1", "sip:127.0.0.1:5060", "sip:alice@127.0.0.1", "Contact: <sip:alice@10.0.0.5>");
        assertEquals(200, x.last().getStatusCode());
        assertEquals(1, location.lookup(ALICE).size());
    }

    @Test
    void foreignDomainIsRefusedBeforeAuthentication() throws Exception {
        authenticated = null;
        FakeExchange x = registerAs("call-1", "sip:other.org", "sip:alice@other.org", "Contact: <sip:alice@10.0.0.5>");
        assertEquals(403, x.last().getStatusCode());
        assertEquals("Domain Not Served", x.last().getReasonPhrase());
    }

    @Test
    void unknownRequiredExtensionIs420() throws Exception {
        FakeExchange x = reg("Contact: <sip:alice@10.0.0.5>", "Require: path, foo");
        assertEquals(420, x.last().getStatusCode());
        assertEquals("Unsupported: foo", x.last().getHeader("Unsupported").toString().strip());
    }

    @Test
    void unauthenticatedStopsAtTheChallenge() throws Exception {
        authenticated = null;
        FakeExchange x = reg("Contact: <sip:alice@10.0.0.5>");
        assertEquals(1, x.responses.size());
        assertEquals(401, x.last().getStatusCode());
        assertEquals(0, location.count());
    }

    @Test
    void onlyYourOwnAddress() throws Exception {
        authenticated = Aor.parse("bob@example.com");
        FakeExchange x = reg("Contact: <sip:alice@10.0.0.5>");
        assertEquals(403, x.last().getStatusCode());
        assertEquals(0, location.count());
    }

    @Test
    void tooBriefIs423WithMinExpiresAndLongIsClamped() throws Exception {
        FakeExchange brief = reg("Contact: <sip:alice@10.0.0.5>", "Expires: 30");
        assertEquals(423, brief.last().getStatusCode());
        assertEquals(60, ((MinExpiresHeader) brief.last().getHeader(MinExpiresHeader.NAME)).getExpires());
        FakeExchange briefParam = reg("Contact: <sip:alice@10.0.0.5>;expires=59", "Expires: 3600");
        assertEquals(423, briefParam.last().getStatusCode());
        assertEquals(0, location.count());
        FakeExchange longOne = reg("Contact: <sip:alice@10.0.0.5>;expires=100000");
        assertEquals(List.of("Contact: <sip:alice@10.0.0.5>;expires=7200"), contacts(longOne.last()));
        FakeExchange paramWins = reg("Contact: <sip:alice@10.0.0.5>;expires=120", "Expires: 3600");
        assertEquals(List.of("Contact: <sip:alice@10.0.0.5>;expires=120"), contacts(paramWins.last()));
    }

    @Test
    void expiresZeroRemovesOneContact() throws Exception {
        reg("Contact: <sip:alice@10.0.0.5>, <sip:alice@10.0.0.6>");
        assertEquals(2, location.count());
        FakeExchange x = reg("Contact: <sip:alice@10.0.0.5>;expires=0");
        assertEquals(List.of("Contact: <sip:alice@10.0.0.6>;expires=3600"), contacts(x.last()));
    }

    @Test
    void wildcardUnregistersEverythingButOnlyAloneWithExpiresZero() throws Exception {
        reg("Contact: <sip:alice@10.0.0.5>", "Contact: <sip:alice@10.0.0.6>");
        assertEquals(400, reg("Contact: *").last().getStatusCode());
        assertEquals(400, reg("Contact: *", "Expires: 60").last().getStatusCode());
        assertEquals(400, reg("Contact: *", "Contact: <sip:alice@10.0.0.7>", "Expires: 0").last().getStatusCode());
        assertEquals(2, location.count());
        FakeExchange x = reg("Contact: *", "Expires: 0");
        assertEquals(200, x.last().getStatusCode());
        assertEquals(List.of(), contacts(x.last()));
        assertEquals(0, location.count());
    }

    @Test
    void sameCallIdNeedsAHigherCSeq() throws Exception {
        reg("Contact: <sip:alice@10.0.0.5>");
        cseq -= 5;
        FakeExchange old = reg("Contact: <sip:alice@10.0.0.5>;expires=0");
        assertEquals(400, old.last().getStatusCode());
        assertEquals(1, location.count());
        FakeExchange otherCall = registerAs("call-9", "sip:example.com", "sip:alice@example.com",
                "Contact: <sip:alice@10.0.0.5>;expires=0");
        assertEquals(200, otherCall.last().getStatusCode());
        assertEquals(0, location.count());
    }

    @Test
    void outboundDeviceReplacesItsBindingAndGetsRequireOutbound() throws Exception {
        String instance = "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"";
        FakeExchange first = reg("Supported: outbound, path",
                "Contact: <sip:alice@10.0.0.5:5062;transport=tcp>;" + instance + ";reg-id=1");
        assertEquals(200, first.last().getStatusCode());
        assertEquals("Require: outbound", first.last().getHeader("Require").toString().strip());
        FakeExchange moved = registerAs("call-2", "sip:example.com", "sip:alice@example.com", "Supported: outbound",
                "Contact: <sip:alice@10.0.0.99:6000;transport=tcp>;" + instance + ";reg-id=1");
        List<String> cs = contacts(moved.last());
        assertEquals(1, cs.size(), cs.toString());
        assertTrue(cs.get(0).contains("10.0.0.99:6000") && cs.get(0).contains("reg-id=1")
                && cs.get(0).contains("+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\""), cs.get(0));
        Binding b = location.lookup(ALICE).get(0);
        assertEquals("<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", b.instanceId());
        assertEquals(1, b.regId());
        registerAs("call-3", "sip:example.com", "sip:alice@example.com", "Supported: outbound",
                "Contact: <sip:alice@10.0.0.98>;" + instance + ";reg-id=2");
        assertEquals(2, location.count(), "another reg-id is another flow of the device");
    }

    @Test
    void withoutOutboundSupportRegIdIsIgnored() throws Exception {
        FakeExchange x = reg("Contact: <sip:alice@10.0.0.5>;+sip.instance=\"<urn:uuid:1>\";reg-id=1");
        assertNull(x.last().getHeader("Require"));
        assertEquals(0, location.lookup(ALICE).get(0).regId());
    }

    @Test
    void pathIsStoredAndEchoedWhenSupported() throws Exception {
        FakeExchange x = reg("Supported: path", "Path: <sip:edge1.example.net;lr>", "Path: <sip:edge2.example.net;lr>",
                "Contact: <sip:alice@10.0.0.5>");
        assertEquals(List.of("<sip:edge1.example.net;lr>", "<sip:edge2.example.net;lr>"), location.lookup(ALICE).get(0).path());
        List<String> echoed = new ArrayList<>();
        for (var it = x.last().getHeaders("Path"); it.hasNext();) {
            echoed.add(((Header) it.next()).toString().strip());
        }
        assertEquals(List.of("Path: <sip:edge1.example.net;lr>", "Path: <sip:edge2.example.net;lr>"), echoed);
        FakeExchange noEcho = registerAs("call-5", "sip:example.com", "sip:alice@example.com", "Path: <sip:edge1.example.net;lr>",
                "Contact: <sip:alice@10.0.0.7>");
        assertNull(noEcho.last().getHeader("Path"));
    }

    @Test
    void queryWithoutContactListsTheBindings() throws Exception {
        reg("Contact: <sip:alice@10.0.0.5>");
        FakeExchange q = reg();
        assertEquals(200, q.last().getStatusCode());
        assertEquals(1, contacts(q.last()).size());
    }

    @Test
    void nonSipContactIs400() throws Exception {
        assertEquals(400, reg("Contact: <tel:+15551234>").last().getStatusCode());
    }

    /** The whole exchange with the real authenticator: 401, then the digest answer is bound. */
    @Test
    void withTheRealDigestAuthenticator() throws Exception {
        var directory = new org.patchbay.sip.internal.fakes.FakeDirectory();
        directory.create(ALICE, "alice secret", null);
        Authenticator real = org.patchbay.sip.internal.auth.AuthTesting.authenticator(directory);
        String base = "REGISTER sip:example.com SIP/2.0\nVia: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-%d\n"
                + "From: <sip:alice@example.com>;tag=f1\nTo: <sip:alice@example.com>\nCall-ID: c1\nCSeq: %d REGISTER\n"
                + "Contact: <sip:alice@10.0.0.5:5062>\nMax-Forwards: 70\n%sContent-Length: 0\n\n";
        FakeExchange first = new FakeExchange(node, String.format(base, 1, 1, ""), SOURCE, "udp", real);
        registrar.handle(first);
        assertEquals(401, first.last().getStatusCode());
        String nonce = DigestClient.challenges(first.last()).get(0).nonce();
        String authz = DigestClient.authorization("Authorization", DigestAlgorithm.SHA_256, "alice", "example.com",
                "alice secret", nonce, 1, "REGISTER", "sip:example.com") + "\n";
        FakeExchange second = new FakeExchange(node, String.format(base, 2, 2, authz), SOURCE, "udp", real);
        registrar.handle(second);
        assertEquals(200, second.last().getStatusCode());
        assertEquals(1, location.count());
    }

    @Test
    void aClosedConnectionTakesWebSocketAndOutboundBindingsOnly() {
        Aor a = new Aor("flow", "example.com");
        Instant t = location.now;
        InetSocketAddress src = new InetSocketAddress("127.0.0.1", 40000);
        location.bind(new Binding(a, "sip:w@x.invalid;transport=ws", null, 0, "c1", 1, "sip", "ws", src,
                "ws:127.0.0.1:40000", List.of(), "", -1, t, t.plusSeconds(600)));
        location.bind(new Binding(a, "sip:plain@127.0.0.1:5070;transport=tcp", null, 0, "c2", 1, "sip", "tcp", src,
                "tcp:127.0.0.1:40001", List.of(), "", -1, t, t.plusSeconds(600)));
        location.bind(new Binding(a, "sip:ob@127.0.0.1:5071;transport=tcp", "<urn:uuid:1>", 1, "c3", 1, "sip", "tcp",
                src, "tcp:127.0.0.1:40001", List.of(), "", -1, t, t.plusSeconds(600)));
        registrar.flowClosed("ws:127.0.0.1:40000");
        registrar.flowClosed("tcp:127.0.0.1:40001");
        assertEquals(List.of("sip:plain@127.0.0.1:5070;transport=tcp"),
                location.all().stream().map(Binding::contact).toList(), "a plain TCP phone is reached again by its Contact");
    }

}
