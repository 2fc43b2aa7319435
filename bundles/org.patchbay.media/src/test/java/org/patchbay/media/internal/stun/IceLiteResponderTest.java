package org.patchbay.media.internal.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IceLiteResponderTest {

    private final SecureRandom random = new SecureRandom();
    private final IceCredentials local = IceCredentials.generate(random);
    private final IceCredentials browser = IceCredentials.generate(random);
    private final IceLiteResponder responder = new IceLiteResponder(local, browser.ufrag());
    private final InetSocketAddress from = new InetSocketAddress("127.0.0.1", 50000);
    private final InetSocketAddress other = new InetSocketAddress("::1", 50002);

    private byte[] txid() {
        byte[] t = new byte[12];
        random.nextBytes(t);
        return t;
    }

    /** A check as Chromium sends it: USERNAME, ICE-CONTROLLING, PRIORITY, [USE-CANDIDATE], MI, FINGERPRINT. */
    private byte[] check(String username, String pwd, boolean nominate) {
        StunMessageBuilder b = new StunMessageBuilder(StunMessage.BINDING_REQUEST, txid()).username(username)
                .role(true, 0x1234567890L).priority(1853824767L);
        if (nominate) {
            b.useCandidate();
        }
        return b.build(pwd.getBytes(StandardCharsets.UTF_8), true);
    }

    private byte[] goodCheck(boolean nominate) {
        return check(local.ufrag() + ":" + browser.ufrag(), local.pwd(), nominate);
    }

    private StunMessage handle(byte[] req, InetSocketAddress source, long now, IceLiteResponder.Verdict verdict)
            throws StunFormatException {
        IceLiteResponder.Outcome o = responder.handle(req, 0, req.length, source, now);
        assertEquals(verdict, o.verdict(), o.reason());
        if (o.response() == null) {
            return null;
        }
        StunMessage resp = StunMessage.parse(o.response(), 0, o.response().length);
        assertTrue(resp.fingerprintValid());
        StunMessage r = StunMessage.parse(req, 0, req.length);
        assertEquals(java.util.Arrays.toString(r.transactionId()), java.util.Arrays.toString(resp.transactionId()));
        return resp;
    }

    @Test
    void credentialsFollowTheRfc() {
        assertTrue(local.ufrag().length() >= 4 && local.pwd().length() >= 22);
        assertTrue(IceCredentials.isIceChars(local.ufrag(), 4) && IceCredentials.isIceChars(local.pwd(), 22));
        assertNotEquals(local, IceCredentials.generate(random));
        assertFalse(local.toString().contains(local.pwd()));
    }

    @Test
    void validCheckIsAnsweredAndValidatesThePairAndUseCandidateSelectsIt() throws Exception {
        assertFalse(responder.isValidated(from, 0));
        StunMessage resp = handle(goodCheck(false), from, 1000, IceLiteResponder.Verdict.VALID_CHECK);
        assertEquals(StunMessage.BINDING_SUCCESS, resp.type());
        assertEquals(from, resp.xorMappedAddress());
        assertTrue(resp.integrityValid(local.integrityKey()));
        assertTrue(responder.isValidated(from, 1000));
        assertFalse(responder.isValidated(other, 1000));
        assertNull(responder.selected());

        handle(goodCheck(true), from, 2000, IceLiteResponder.Verdict.VALID_CHECK);
        assertEquals(from, responder.selected());
        StunMessage v6 = handle(goodCheck(true), other, 3000, IceLiteResponder.Verdict.VALID_CHECK);
        assertEquals(other, v6.xorMappedAddress());
        assertEquals(other, responder.selected(), "a later nomination wins");
    }

    @Test
    void consentLapsesThirtySecondsAfterTheLastValidCheck() throws Exception {
        handle(goodCheck(true), from, 0, IceLiteResponder.Verdict.VALID_CHECK);
        handle(goodCheck(false), from, 20_000, IceLiteResponder.Verdict.VALID_CHECK);
        assertFalse(responder.consentExpired(49_999));
        assertTrue(responder.isValidated(from, 49_999));
        // a failing check does not refresh consent
        handle(check(local.ufrag() + ":" + browser.ufrag(), "wrongwrongwrongwrongwrong", false), from, 45_000,
                IceLiteResponder.Verdict.ERROR);
        assertTrue(responder.consentExpired(50_000));
        assertFalse(responder.isValidated(from, 50_000));
        handle(goodCheck(false), from, 51_000, IceLiteResponder.Verdict.VALID_CHECK);
        assertFalse(responder.consentExpired(51_000));
    }

    @Test
    void wrongPasswordOrUsernameGets401WithoutIntegrity() throws Exception {
        StunMessage r = handle(check(local.ufrag() + ":" + browser.ufrag(), browser.pwd(), true), from, 0,
                IceLiteResponder.Verdict.ERROR);
        assertEquals(401, r.errorCode());
        assertFalse(r.hasIntegrity());
        assertEquals(401, handle(check("nope:" + browser.ufrag(), local.pwd(), true), from, 0,
                IceLiteResponder.Verdict.ERROR).errorCode());
        assertEquals(401, handle(check(local.ufrag() + ":other", local.pwd(), true), from, 0,
                IceLiteResponder.Verdict.ERROR).errorCode());
        assertEquals(401, handle(check(local.ufrag(), local.pwd(), true), from, 0,
                IceLiteResponder.Verdict.ERROR).errorCode());
        assertFalse(responder.isValidated(from, 0));
        assertNull(responder.selected());
        assertEquals(4, responder.errors());
    }

    @Test
    void missingUsernameOrIntegrityOrPriorityGets400() throws Exception {
        byte[] noMi = new StunMessageBuilder(StunMessage.BINDING_REQUEST, txid())
                .username(local.ufrag() + ":" + browser.ufrag()).priority(1).build(null, true);
        assertEquals(400, handle(noMi, from, 0, IceLiteResponder.Verdict.ERROR).errorCode());
        byte[] noUser = new StunMessageBuilder(StunMessage.BINDING_REQUEST, txid()).priority(1)
                .build(local.integrityKey(), true);
        assertEquals(400, handle(noUser, from, 0, IceLiteResponder.Verdict.ERROR).errorCode());
        byte[] noPriority = new StunMessageBuilder(StunMessage.BINDING_REQUEST, txid())
                .username(local.ufrag() + ":" + browser.ufrag()).build(local.integrityKey(), true);
        StunMessage r = handle(noPriority, from, 0, IceLiteResponder.Verdict.ERROR);
        assertEquals(400, r.errorCode());
        assertTrue(r.integrityValid(local.integrityKey()));
        assertFalse(responder.isValidated(from, 0));
    }

    @Test
    void controlledPeerGets487AndUnknownRequiredAttributeGets420() throws Exception {
        byte[] controlled = new StunMessageBuilder(StunMessage.BINDING_REQUEST, txid())
                .username(local.ufrag() + ":" + browser.ufrag()).priority(1).role(false, 42)
                .build(local.integrityKey(), true);
        StunMessage r = handle(controlled, from, 0, IceLiteResponder.Verdict.ERROR);
        assertEquals(487, r.errorCode());
        assertTrue(r.integrityValid(local.integrityKey()));

        byte[] unknown = new StunMessageBuilder(StunMessage.BINDING_REQUEST, txid())
                .username(local.ufrag() + ":" + browser.ufrag()).priority(1).attribute(0x7777, new byte[3])
                .build(local.integrityKey(), true);
        StunMessage u = handle(unknown, from, 0, IceLiteResponder.Verdict.ERROR);
        assertEquals(420, u.errorCode());
        assertTrue(java.util.Arrays.equals(new byte[] {0x77, 0x77}, u.attribute(StunAttributes.UNKNOWN_ATTRIBUTES)));
        assertFalse(responder.isValidated(from, 0));
    }

    @Test
    void responsesIndicationsAndBadFingerprintsAreDroppedSilently() throws Exception {
        byte[] indication = new StunMessageBuilder(StunMessage.BINDING_INDICATION, txid()).build(null, true);
        handle(indication, from, 0, IceLiteResponder.Verdict.DROPPED);
        byte[] success = new StunMessageBuilder(StunMessage.BINDING_SUCCESS, txid()).build(null, true);
        handle(success, from, 0, IceLiteResponder.Verdict.DROPPED);
        byte[] badFp = goodCheck(true);
        badFp[badFp.length - 1] ^= 1;
        handle(badFp, from, 0, IceLiteResponder.Verdict.DROPPED);
        assertEquals(3, responder.dropped());
        assertNull(responder.selected());
    }

    @Test
    void malformedAndRandomInputIsDroppedNeverThrows() {
        byte[] good = goodCheck(true);
        Random r = new Random(1);
        int answered = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] b = good.clone();
            switch (i % 3) {
                case 0 -> b[20 + r.nextInt(b.length - 20)] = (byte) r.nextInt();
                case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
                default -> r.nextBytes(b);
            }
            IceLiteResponder.Outcome o = responder.handle(b, 0, b.length, from, 0);
            if (o.verdict() == IceLiteResponder.Verdict.VALID_CHECK) {
                answered++;
            }
        }
        // a changed byte in the middle breaks MESSAGE-INTEGRITY or the structure, unless it lands in padding
        assertTrue(answered < 100, "answered " + answered);
        byte[] overrun = good.clone();
        overrun[22] = 0x7f;
        assertEquals(IceLiteResponder.Verdict.DROPPED, responder.handle(overrun, 0, overrun.length, from, 0).verdict());
        assertEquals(IceLiteResponder.Verdict.DROPPED, responder.handle(good, 4, 30, from, 0).verdict());
        assertEquals(IceLiteResponder.Verdict.DROPPED, responder.handle(good, 0, good.length + 1, from, 0).verdict());
    }
}
