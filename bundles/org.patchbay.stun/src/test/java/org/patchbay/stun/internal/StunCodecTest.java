package org.patchbay.stun.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The codec against the RFC 5769 test vectors and hand-made malformed packets. */
class StunCodecTest {
    static final byte[] TID = hex("b7e7a701bc34d686fa87dfae");
    /** RFC 5769 §2.1 sample request (USERNAME, MESSAGE-INTEGRITY, FINGERPRINT). */
    static final byte[] SAMPLE_REQUEST = hex("000100582112a442b7e7a701bc34d686fa87dfae"
            + "80220010" + "5354554e" + "20746573" + "7420636c" + "69656e74"
            + "002400046e0001ff" + "80290008932ff9b151263b36"
            + "000600096576746a3a68367659202020"
            + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" + "80280004e57a3bcf");
    /** RFC 5769 §2.2 sample IPv4 response, 192.0.2.1:32853. */
    static final byte[] SAMPLE_V4 = hex("0101003c2112a442b7e7a701bc34d686fa87dfae" + "8022000b7465737420766563746f7220"
            + "0020000800 01a147e112a643".replace(" ", "")
            + "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7" + "80280004c07d4c96");
    /** RFC 5769 §2.3 sample IPv6 response, [2001:db8:1234:5678:11:2233:4455:6677]:32853. */
    static final byte[] SAMPLE_V6 = hex("010100482112a442b7e7a701bc34d686fa87dfae" + "8022000b7465737420766563746f7220"
            + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
            + "00080014a382954e4be67bf11784c97c8292c275bfe3ed41" + "80280004c8fb0b4c");

    @Test
    void rfc5769SampleRequestParsesWithItsFingerprint() throws Exception {
        assertArrayEquals(TID, StunCodec.parseBindingRequest(SAMPLE_REQUEST, SAMPLE_REQUEST.length));
        byte[] bad = SAMPLE_REQUEST.clone();
        bad[30] ^= 1;
        StunCodec.Malformed m = assertThrows(StunCodec.Malformed.class, () -> StunCodec.parseBindingRequest(bad, bad.length));
        assertEquals("FINGERPRINT mismatch", m.getMessage());
    }

    @Test
    void fingerprintMatchesTheSampleResponses() {
        for (byte[] r : new byte[][] {SAMPLE_REQUEST, SAMPLE_V4, SAMPLE_V6}) {
            int fp = ByteBuffer.wrap(r).getInt(r.length - 4);
            assertEquals(fp, StunCodec.fingerprint(r, 0, r.length - 8));
        }
    }

    @Test
    void xorMappedAddressMatchesTheSampleResponses() throws Exception {
        byte[] v4 = StunCodec.bindingSuccess(TID, new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853),
                new byte[0], 20);
        assertArrayEquals(Arrays.copyOfRange(SAMPLE_V4, 36, 48), Arrays.copyOfRange(v4, 20, 32));
        byte[] v6 = StunCodec.bindingSuccess(TID, new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853), new byte[0], 20);
        assertArrayEquals(Arrays.copyOfRange(SAMPLE_V6, 36, 60), Arrays.copyOfRange(v6, 20, 44));
        // header: success type, body length, cookie, the request's transaction id; FINGERPRINT valid and last
        assertEquals(0x0101, ByteBuffer.wrap(v6).getShort(0));
        assertEquals(v6.length - 20, ByteBuffer.wrap(v6).getShort(2));
        assertArrayEquals(Arrays.copyOfRange(SAMPLE_V6, 4, 20), Arrays.copyOfRange(v6, 4, 20));
        assertEquals(ByteBuffer.wrap(v6).getInt(v6.length - 4), StunCodec.fingerprint(v6, 0, v6.length - 8));
    }

    @Test
    void responseNeverLargerThanNeeded() throws Exception {
        byte[] soft = StunCodec.software("Patchbay");
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5000);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 5000);
        assertEquals(40, StunCodec.bindingSuccess(TID, v4, soft, 20).length, "bare request: XOR-MAPPED-ADDRESS + FINGERPRINT");
        assertEquals(52, StunCodec.bindingSuccess(TID, v6, soft, 20).length);
        // SOFTWARE only when the response with it is no larger than the request
        assertEquals(52, StunCodec.bindingSuccess(TID, v4, soft, 52).length);
        assertEquals(40, StunCodec.bindingSuccess(TID, v4, soft, 51).length);
    }

    @Test
    void malformedPacketsAreNamed() {
        assertMalformed("short packet", hex("0001000021"));
        assertMalformed("no magic cookie", hex("000100002112a443b7e7a701bc34d686fa87dfae"));
        assertMalformed("does not match", hex("000100042112a442b7e7a701bc34d686fa87dfae"));
        assertMalformed("not a Binding request", hex("010100002112a442b7e7a701bc34d686fa87dfae"));
        assertMalformed("not STUN", hex("800100002112a442b7e7a701bc34d686fa87dfae"));
        assertMalformed("overruns", hex("000100082112a442b7e7a701bc34d686fa87dfae" + "8022001041424344"));
        assertMalformed("oversized", new byte[600]);
        byte[] ok = hex("000100002112a442b7e7a701bc34d686fa87dfae");
        assertTrue(assertDoesNotThrow(ok).length == 12);
    }

    private static byte[] assertDoesNotThrow(byte[] p) {
        try {
            return StunCodec.parseBindingRequest(p, p.length);
        } catch (StunCodec.Malformed e) {
            throw new AssertionError(e.getMessage());
        }
    }

    private static void assertMalformed(String why, byte[] p) {
        StunCodec.Malformed m = assertThrows(StunCodec.Malformed.class, () -> StunCodec.parseBindingRequest(p, p.length));
        assertTrue(m.getMessage().contains(why), m.getMessage());
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
