package org.patchbay.media.internal.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A parsed STUN message (RFC 8489): header, attributes located in a private copy of the datagram,
 * and verification of MESSAGE-INTEGRITY and FINGERPRINT. Every length is checked while parsing, so the
 * typed accessors cannot read out of bounds. Attributes after MESSAGE-INTEGRITY other than FINGERPRINT
 * are ignored (RFC 8489 §14.5). Immutable.
 */
public final class StunMessage {

    /** The magic cookie of RFC 5389 and later. */
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** Method Binding. */
    public static final int BINDING = 0x001;
    /** Message type of a Binding request. */
    public static final int BINDING_REQUEST = 0x0001;
    /** Message type of a Binding indication. */
    public static final int BINDING_INDICATION = 0x0011;
    /** Message type of a Binding success response. */
    public static final int BINDING_SUCCESS = 0x0101;
    /** Message type of a Binding error response. */
    public static final int BINDING_ERROR = 0x0111;

    static final int FINGERPRINT_XOR = 0x5354554e;
    private static final int MAX_USERNAME = 763;

    private final byte[] raw;
    private final List<int[]> attributes;
    private final int integrityAt;
    private final int fingerprintAt;

    private StunMessage(byte[] raw, List<int[]> attributes, int integrityAt, int fingerprintAt) {
        this.raw = raw;
        this.attributes = attributes;
        this.integrityAt = integrityAt;
        this.fingerprintAt = fingerprintAt;
    }

    /**
     * Whether {@code buf[off, off+len)} looks like STUN: top two bits zero, the magic cookie, and a
     * length field that matches the datagram (RFC 7983 §7, RFC 8489 §6).
     */
    public static boolean looksLikeStun(byte[] buf, int off, int len) {
        return off >= 0 && len >= 20 && off + len <= buf.length && (buf[off] & 0xc0) == 0
                && readInt(buf, off + 4) == MAGIC_COOKIE && readShort(buf, off + 2) + 20 == len
                && (len & 3) == 0;
    }

    /**
     * Parses one STUN message.
     *
     * @throws StunFormatException naming the first structural problem
     */
    public static StunMessage parse(byte[] buf, int off, int len) throws StunFormatException {
        if (!looksLikeStun(buf, off, len)) {
            throw new StunFormatException("not a STUN message (header, cookie or length)");
        }
        byte[] raw = Arrays.copyOfRange(buf, off, off + len);
        List<int[]> attrs = new ArrayList<>();
        int integrityAt = -1;
        int fingerprintAt = -1;
        int pos = 20;
        while (pos < len) {
            if (fingerprintAt >= 0) {
                throw new StunFormatException("attribute after FINGERPRINT");
            }
            if (pos + 4 > len) {
                throw new StunFormatException("truncated attribute header");
            }
            int type = readShort(raw, pos);
            int alen = readShort(raw, pos + 2);
            int padded = (alen + 3) & ~3;
            if (pos + 4 + padded > len) {
                throw new StunFormatException("attribute 0x" + Integer.toHexString(type) + " overruns the message");
            }
            checkLength(type, alen, raw, pos + 4);
            if (type == StunAttributes.FINGERPRINT) {
                fingerprintAt = pos;
            } else if (integrityAt < 0) {
                if (type == StunAttributes.MESSAGE_INTEGRITY) {
                    integrityAt = pos;
                }
                attrs.add(new int[] {type, pos + 4, alen});
            }
            pos += 4 + padded;
        }
        return new StunMessage(raw, List.copyOf(attrs), integrityAt, fingerprintAt);
    }

    private static void checkLength(int type, int len, byte[] raw, int at) throws StunFormatException {
        boolean ok = switch (type) {
            case StunAttributes.USERNAME -> len <= MAX_USERNAME;
            case StunAttributes.MESSAGE_INTEGRITY -> len == 20;
            case StunAttributes.FINGERPRINT, StunAttributes.PRIORITY -> len == 4;
            case StunAttributes.ICE_CONTROLLED, StunAttributes.ICE_CONTROLLING -> len == 8;
            case StunAttributes.USE_CANDIDATE -> len == 0;
            case StunAttributes.ERROR_CODE -> len >= 4 && len <= 4 + 763
                    && (raw[at + 2] & 0x07) >= 3 && (raw[at + 2] & 0x07) <= 6 && (raw[at + 3] & 0xff) < 100;
            case StunAttributes.XOR_MAPPED_ADDRESS, StunAttributes.MAPPED_ADDRESS ->
                    (len == 8 && raw[at + 1] == 1) || (len == 20 && raw[at + 1] == 2);
            case StunAttributes.UNKNOWN_ATTRIBUTES -> (len & 1) == 0;
            default -> true;
        };
        if (!ok) {
            throw new StunFormatException("bad attribute 0x" + Integer.toHexString(type) + " of length " + len);
        }
    }

    /** The 14-bit message type (method and class). */
    public int type() {
        return readShort(raw, 0);
    }

    /** The method bits (e.g. {@link #BINDING}). */
    public int method() {
        int t = type();
        return (t & 0x000f) | ((t & 0x00e0) >> 1) | ((t & 0x3e00) >> 2);
    }

    /** Whether the class bits say request. */
    public boolean isRequest() {
        return (type() & 0x0110) == 0;
    }

    /** The 12-byte transaction ID (a copy). */
    public byte[] transactionId() {
        return Arrays.copyOfRange(raw, 8, 20);
    }

    /** Whether the message has an attribute of this type (before MESSAGE-INTEGRITY, or FINGERPRINT). */
    public boolean has(int type) {
        return type == StunAttributes.FINGERPRINT ? fingerprintAt >= 0 : find(type) != null;
    }

    /** The value of the first attribute of this type (a copy), or null. */
    public byte[] attribute(int type) {
        int[] a = find(type);
        return a == null ? null : Arrays.copyOfRange(raw, a[1], a[1] + a[2]);
    }

    /** Attribute types in order of appearance, MESSAGE-INTEGRITY included, FINGERPRINT excluded. */
    public List<Integer> attributeTypes() {
        return attributes.stream().map(a -> a[0]).toList();
    }

    private int[] find(int type) {
        for (int[] a : attributes) {
            if (a[0] == type) {
                return a;
            }
        }
        return null;
    }

    /** USERNAME as UTF-8 text, or null. */
    public String username() {
        byte[] v = attribute(StunAttributes.USERNAME);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** PRIORITY, or -1 if absent (the value is unsigned; a priority above 2^31-1 reads negative). */
    public long priority() {
        int[] a = find(StunAttributes.PRIORITY);
        return a == null ? -1 : readInt(raw, a[1]) & 0xffffffffL;
    }

    /** The 64-bit tie-breaker of ICE-CONTROLLING or ICE-CONTROLLED, or null if that attribute is absent. */
    public Long tieBreaker(int type) {
        int[] a = find(type);
        return a == null ? null : ((long) readInt(raw, a[1]) << 32) | (readInt(raw, a[1] + 4) & 0xffffffffL);
    }

    /** ERROR-CODE as class*100+number, or -1. */
    public int errorCode() {
        int[] a = find(StunAttributes.ERROR_CODE);
        return a == null ? -1 : (raw[a[1] + 2] & 0x07) * 100 + (raw[a[1] + 3] & 0xff);
    }

    /** The decoded XOR-MAPPED-ADDRESS, or null. */
    public InetSocketAddress xorMappedAddress() {
        int[] a = find(StunAttributes.XOR_MAPPED_ADDRESS);
        if (a == null) {
            return null;
        }
        int port = readShort(raw, a[1] + 2) ^ (MAGIC_COOKIE >>> 16);
        byte[] ip = Arrays.copyOfRange(raw, a[1] + 4, a[1] + a[2]);
        for (int i = 0; i < ip.length; i++) {
            ip[i] ^= raw[4 + i];
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether FINGERPRINT is present. */
    public boolean hasFingerprint() {
        return fingerprintAt >= 0;
    }

    /** Whether MESSAGE-INTEGRITY is present. */
    public boolean hasIntegrity() {
        return integrityAt >= 0;
    }

    /** Whether FINGERPRINT is present and correct. */
    public boolean fingerprintValid() {
        if (fingerprintAt < 0) {
            return false;
        }
        return readInt(raw, fingerprintAt + 4) == fingerprint(raw, fingerprintAt);
    }

    /** Whether MESSAGE-INTEGRITY is present and is the HMAC-SHA1 of the message under {@code key}. */
    public boolean integrityValid(byte[] key) {
        if (integrityAt < 0) {
            return false;
        }
        byte[] expected = integrity(raw, integrityAt, key);
        int diff = 0;
        for (int i = 0; i < 20; i++) {
            diff |= expected[i] ^ raw[integrityAt + 4 + i];
        }
        return diff == 0;
    }

    /** HMAC-SHA1 over {@code msg[0, end)} with the length field set as if MESSAGE-INTEGRITY ended the message. */
    static byte[] integrity(byte[] msg, int end, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            int len = end - 20 + 24;
            mac.update(msg, 0, 2);
            mac.update((byte) (len >>> 8));
            mac.update((byte) len);
            mac.update(msg, 4, end - 4);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /** CRC-32 of {@code msg[0, end)} with the length field covering a trailing FINGERPRINT, XOR 0x5354554e. */
    static int fingerprint(byte[] msg, int end) {
        CRC32 crc = new CRC32();
        int len = end - 20 + 8;
        crc.update(msg, 0, 2);
        crc.update(len >>> 8);
        crc.update(len);
        crc.update(msg, 4, end - 4);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    static int readShort(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
