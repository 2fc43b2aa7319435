package org.patchbay.sip.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import javax.sip.header.Header;
import javax.sip.message.Response;

import org.junit.jupiter.api.Test;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.DigestAlgorithm;
import org.patchbay.sip.internal.fakes.DigestClient;
import org.patchbay.sip.internal.fakes.DigestClient.Challenge;
import org.patchbay.sip.internal.fakes.FakeDirectory;
import org.patchbay.sip.internal.fakes.FakeExchange;
import org.patchbay.sip.internal.fakes.FakeNode;

class DigestAuthenticatorTest {
    static final Aor ALICE = Aor.parse("alice@example.com");
    static final String PASSWORD = "alice secret";
    static final InetSocketAddress SOURCE = new InetSocketAddress("192.0.2.7", 5062);

    private final FakeNode node = new FakeNode();
    private final FakeDirectory directory = new FakeDirectory();
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private DigestAuthenticator auth = authenticator(List.of(DigestAlgorithm.MD5, DigestAlgorithm.SHA_256), 3);
    private int cseq = 1;

    DigestAuthenticatorTest() {
        directory.create(ALICE, PASSWORD, "Alice");
    }

    private DigestAuthenticator authenticator(List<DigestAlgorithm> algorithms, int maxFailures) {
        return new DigestAuthenticator(directory, new AuthSettings(algorithms, 300_000, maxFailures, 60_000, 300_000,
                AuthSettings.lowerCaseList("friendly-scanner,sipvicious,sipcli"), AuthSettings.lowerCaseList("baresip v1."),
                1000), now::get);
    }

    private FakeExchange register(String userAgent, String... extraHeaders) {
        StringBuilder sb = new StringBuilder("REGISTER sip:example.com SIP/2.0\n"
                + "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK-" + cseq + "\n"
                + "From: <sip:alice@example.com>;tag=f1\n"
                + "To: <sip:alice@example.com>\n"
                + "Call-ID: call-1@192.0.2.7\n"
                + "CSeq: " + cseq++ + " REGISTER\n"
                + "Contact: <sip:alice@192.0.2.7:5062>\n"
                + "Max-Forwards: 70\n");
        if (userAgent != null) {
            sb.append("User-Agent: ").append(userAgent).append('\n');
        }
        for (String h : extraHeaders) {
            sb.append(h).append('\n');
        }
        sb.append("Content-Length: 0\n\n");
        return new FakeExchange(node, sb.toString(), SOURCE, "udp", auth);
    }

    private Challenge challenge(DigestAlgorithm a) {
        FakeExchange x = register("test");
        assertEquals(Optional.empty(), auth.authenticate(x, false));
        return DigestClient.challenges(x.last()).stream().filter(c -> c.algorithm().equals(a.token())).findFirst().orElseThrow();
    }

    private FakeExchange answer(DigestAlgorithm a, String user, String password, String nonce, int nc) {
        return register("test", DigestClient.authorization("Authorization", a, user, "example.com", password, nonce, nc,
                "REGISTER", "sip:example.com"));
    }

    @Test
    void challengesWithBothAlgorithmsInTheConfiguredOrderAndOneNonce() {
        FakeExchange x = register("test");
        assertEquals(Optional.empty(), auth.authenticate(x, false));
        Response r = x.last();
        assertEquals(401, r.getStatusCode());
        List<Challenge> cs = DigestClient.challenges(r);
        assertEquals(List.of("MD5", "SHA-256"), cs.stream().map(Challenge::algorithm).toList());
        for (Challenge c : cs) {
            assertEquals("example.com", c.realm());
            assertEquals("auth", c.qop());
            assertFalse(c.stale());
            assertEquals(43, c.nonce().length());
            assertTrue(c.text().contains("qop=\"auth\""), c.text());
        }
        assertEquals(cs.get(0).nonce(), cs.get(1).nonce());

        auth = authenticator(List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5), 3);
        FakeExchange y = register("test");
        auth.authenticate(y, false);
        assertEquals(List.of("SHA-256", "MD5"), DigestClient.challenges(y.last()).stream().map(Challenge::algorithm).toList());
    }

    @Test
    void proxyChallengeIs407WithProxyAuthenticate() {
        FakeExchange x = register("test");
        auth.authenticate(x, true);
        assertEquals(407, x.last().getStatusCode());
        assertEquals(2, DigestClient.challenges(x.last()).size());
        assertEquals(null, x.last().getHeader("WWW-Authenticate"));
    }

    @Test
    void acceptsSha256AndMd5Answers() {
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            Challenge c = challenge(a);
            FakeExchange x = answer(a, "alice", PASSWORD, c.nonce(), 1);
            assertEquals(Optional.of(ALICE), auth.authenticate(x, false), a.token());
            assertTrue(x.responses.isEmpty(), "nothing sent on success");
        }
    }

    @Test
    void unknownUserAndWrongPasswordLookTheSame() {
        Challenge c = challenge(DigestAlgorithm.SHA_256);
        FakeExchange wrong = answer(DigestAlgorithm.SHA_256, "alice", "not the password", c.nonce(), 1);
        FakeExchange unknown = answer(DigestAlgorithm.SHA_256, "mallory", "whatever1", c.nonce(), 1);
        assertEquals(Optional.empty(), auth.authenticate(wrong, false));
        int lookups = directory.credentialLookups;
        assertEquals(Optional.empty(), auth.authenticate(unknown, false));
        assertEquals(lookups + 1, directory.credentialLookups, "an unknown user is looked up like a known one");
        assertEquals(shape(wrong.last()), shape(unknown.last()));
        assertNotEquals(DigestClient.challenges(wrong.last()).get(0).nonce(), DigestClient.challenges(unknown.last()).get(0).nonce());
        assertFalse(DigestClient.challenges(wrong.last()).get(0).stale());
        FakeExchange impossible = answer(DigestAlgorithm.SHA_256, "no such user!", "whatever1", c.nonce(), 1);
        assertEquals(Optional.empty(), auth.authenticate(impossible, false));
        assertEquals(lookups + 2, directory.credentialLookups, "a user name that cannot exist is looked up as well");
        assertEquals(shape(wrong.last()), shape(impossible.last()));
    }

    /** Status line and headers, with the per-response values (nonce, tags, branch) masked. */
    private static List<String> shape(Response r) {
        List<String> lines = new ArrayList<>();
        lines.add(r.getStatusCode() + " " + r.getReasonPhrase());
        for (var it = r.getHeaderNames(); it.hasNext();) {
            String name = (String) it.next();
            for (var hs = r.getHeaders(name); hs.hasNext();) {
                lines.add(((Header) hs.next()).toString().strip().replaceAll("nonce=\"[^\"]*\"", "nonce=*")
                        .replaceAll("branch=[^;\\s]*", "branch=*").replaceAll("CSeq: \\d+", "CSeq: *"));
            }
        }
        return lines;
    }

    @Test
    void expiredNonceWithTheRightPasswordIsStaleWithTheWrongOneAFailure() {
        Challenge c = challenge(DigestAlgorithm.MD5);
        now.addAndGet(301_000);
        FakeExchange right = answer(DigestAlgorithm.MD5, "alice", PASSWORD, c.nonce(), 1);
        assertEquals(Optional.empty(), auth.authenticate(right, false));
        assertTrue(DigestClient.challenges(right.last()).stream().allMatch(Challenge::stale));
        FakeExchange wrong = answer(DigestAlgorithm.MD5, "alice", "nope nope", c.nonce(), 1);
        auth.authenticate(wrong, false);
        assertTrue(DigestClient.challenges(wrong.last()).stream().noneMatch(Challenge::stale));
        // and the fresh nonce of the stale answer works
        Challenge fresh = DigestClient.challenges(right.last()).get(0);
        assertEquals(Optional.of(ALICE), auth.authenticate(answer(DigestAlgorithm.MD5, "alice", PASSWORD, fresh.nonce(), 1), false));
    }

    @Test
    void forgedNonceNeverAuthenticates() {
        String forged = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        FakeExchange x = answer(DigestAlgorithm.MD5, "alice", PASSWORD, forged, 1);
        assertEquals(Optional.empty(), auth.authenticate(x, false));
        assertEquals(401, x.last().getStatusCode());
        DigestAuthenticator other = authenticator(List.of(DigestAlgorithm.MD5), 3);
        Challenge c = challenge(DigestAlgorithm.MD5);
        FakeExchange y = answer(DigestAlgorithm.MD5, "alice", PASSWORD, c.nonce(), 1);
        assertEquals(Optional.empty(), other.authenticate(y, false), "a nonce of another start (another key) is not ours");
        assertEquals(401, y.last().getStatusCode());
    }

    @Test
    void nonceCountMustGrow() {
        Challenge c = challenge(DigestAlgorithm.SHA_256);
        assertEquals(Optional.of(ALICE), auth.authenticate(answer(DigestAlgorithm.SHA_256, "alice", PASSWORD, c.nonce(), 1), false));
        FakeExchange replay = answer(DigestAlgorithm.SHA_256, "alice", PASSWORD, c.nonce(), 1);
        assertEquals(Optional.empty(), auth.authenticate(replay, false));
        assertTrue(DigestClient.challenges(replay.last()).get(0).stale(), "a replayed nc gets a fresh nonce (stale)");
        assertEquals(Optional.of(ALICE), auth.authenticate(answer(DigestAlgorithm.SHA_256, "alice", PASSWORD, c.nonce(), 2), false));
        assertEquals(Optional.empty(), auth.authenticate(answer(DigestAlgorithm.SHA_256, "alice", PASSWORD, c.nonce(), 2), false));
        assertEquals(1, auth.trackedNonces());
    }

    @Test
    void rfc2069ClientsWithoutQopGetSingleUseNonces() {
        Challenge c = challenge(DigestAlgorithm.MD5);
        String line = DigestClient.authorizationNoQop("alice", "example.com", PASSWORD, c.nonce(), "REGISTER", "sip:example.com");
        assertEquals(Optional.of(ALICE), auth.authenticate(register("old", line), false));
        FakeExchange again = register("old", line);
        assertEquals(Optional.empty(), auth.authenticate(again, false));
        assertTrue(DigestClient.challenges(again.last()).get(0).stale());
    }

    @Test
    void digestUriMustNameTheRequestUriOrThisNode() {
        Challenge c = challenge(DigestAlgorithm.MD5);
        FakeExchange sipp = register("sipp", DigestClient.authorization("Authorization", DigestAlgorithm.MD5, "alice",
                "example.com", PASSWORD, c.nonce(), 1, "REGISTER", "sip:127.0.0.1:5060"));
        assertEquals(Optional.of(ALICE), auth.authenticate(sipp, false), "SIPp puts the remote address there");
        FakeExchange elsewhere = register("x", DigestClient.authorization("Authorization", DigestAlgorithm.MD5, "alice",
                "example.com", PASSWORD, c.nonce(), 2, "REGISTER", "sip:other.example.net"));
        assertEquals(Optional.empty(), auth.authenticate(elsewhere, false));
        assertEquals(400, elsewhere.last().getStatusCode());
    }

    @Test
    void algorithmNotOfferedFails() {
        auth = authenticator(List.of(DigestAlgorithm.SHA_256), 3);
        Challenge c = challenge(DigestAlgorithm.SHA_256);
        FakeExchange md5 = answer(DigestAlgorithm.MD5, "alice", PASSWORD, c.nonce(), 1);
        assertEquals(Optional.empty(), auth.authenticate(md5, false));
        assertEquals(401, md5.last().getStatusCode());
    }

    @Test
    void tooManyFailuresStartACooldownThatDropsEverything() {
        Challenge c = challenge(DigestAlgorithm.MD5);
        for (int i = 1; i <= 3; i++) {
            FakeExchange x = answer(DigestAlgorithm.MD5, "alice", "wrong " + i, c.nonce(), i);
            auth.authenticate(x, false);
            assertEquals(401, x.last().getStatusCode());
            assertTrue(auth.admit(x.request(), SOURCE), "still admitted after " + i + " failures");
        }
        FakeExchange fourth = answer(DigestAlgorithm.MD5, "alice", "wrong 4", c.nonce(), 4);
        auth.authenticate(fourth, false);
        assertFalse(auth.admit(fourth.request(), SOURCE), "refused after more than max.failures");
        FakeExchange right = answer(DigestAlgorithm.MD5, "alice", PASSWORD, c.nonce(), 5);
        assertEquals(Optional.empty(), auth.authenticate(right, false), "even the right password is dropped in the cool-down");
        assertTrue(right.responses.isEmpty(), "dropped silently");
        assertTrue(auth.admit(right.request(), new InetSocketAddress("192.0.2.8", 5060)), "other sources are not affected");
        now.addAndGet(300_001);
        assertTrue(auth.admit(right.request(), SOURCE), "admitted again after the cool-down");
    }

    @Test
    void failuresOutsideTheWindowDoNotAddUp() {
        Challenge c = challenge(DigestAlgorithm.MD5);
        for (int i = 1; i <= 6; i++) {
            auth.authenticate(answer(DigestAlgorithm.MD5, "alice", "wrong " + i, c.nonce(), i), false);
            now.addAndGet(31_000);
            c = challenge(DigestAlgorithm.MD5);
        }
        assertTrue(auth.admit(register("x").request(), SOURCE));
    }

    @Test
    void scannersAreDroppedByUserAgent() {
        assertFalse(auth.admit(register("friendly-scanner").request(), SOURCE));
        assertFalse(auth.admit(register("SIPVicious 0.3.4").request(), SOURCE));
        assertFalse(auth.admit(register("Something sipcli/v1.8").request(), SOURCE));
        assertTrue(auth.admit(register("baresip v3.10.0 (x86_64/linux)").request(), SOURCE));
        assertTrue(auth.admit(register(null).request(), SOURCE));
    }

    @Test
    void legacyAgentsGetMd5Only() {
        FakeExchange x = register("baresip v1.0.0 (x86_64/linux)");
        auth.authenticate(x, false);
        assertEquals(List.of("MD5"), DigestClient.challenges(x.last()).stream().map(Challenge::algorithm).toList());
    }

    @Test
    void directoryDownIs503() {
        Challenge c = challenge(DigestAlgorithm.MD5);
        directory.down = true;
        FakeExchange x = answer(DigestAlgorithm.MD5, "alice", PASSWORD, c.nonce(), 1);
        assertEquals(Optional.empty(), auth.authenticate(x, false));
        assertEquals(503, x.last().getStatusCode());
    }

    @Test
    void credentialsForAnotherRealmAreIgnored() {
        Challenge c = challenge(DigestAlgorithm.MD5);
        FakeExchange x = register("x", DigestClient.authorization("Authorization", DigestAlgorithm.MD5, "alice",
                "other.org", PASSWORD, c.nonce(), 1, "REGISTER", "sip:example.com"));
        assertEquals(Optional.empty(), auth.authenticate(x, false));
        assertEquals(401, x.last().getStatusCode());
        assertTrue(auth.admit(x.request(), SOURCE));
    }
}
