package org.patchbay.media.internal.stun;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Builds one STUN message; attributes appear in the order they are added, then MESSAGE-INTEGRITY and
 * FINGERPRINT if asked for. Not thread-safe; one builder per message.
 */
public final class StunMessageBuilder {

    private final int type;
    private final byte[] transactionId;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(128);
    private byte padding;

    /** A message of {@code type} (e.g. {@link StunMessage#BINDING_SUCCESS}) with a 12-byte transaction ID. */
    public StunMessageBuilder(int type, byte[] transactionId) {
        if (transactionId.length != 12 || (type & ~0x3fff) != 0) {
            throw new IllegalArgumentException("transaction ID must be 12 bytes and type 14 bits");
        }
        this.type = type;
        this.transactionId = transactionId.clone();
    }

    /** The byte used to pad attribute values to 4 bytes (0 by default; RFC 5769 vectors use 0x20). */
    public StunMessageBuilder padding(int value) {
        this.padding = (byte) value;
        return this;
    }

    /** Adds an attribute with a raw value. */
    public StunMessageBuilder attribute(int attributeType, byte[] value) {
        if (value.length > 0xffff) {
            throw new IllegalArgumentException("attribute value too long");
        }
        body.write(attributeType >>> 8);
        body.write(attributeType);
        body.write(value.length >>> 8);
        body.write(value.length);
        body.writeBytes(value);
        for (int i = value.length; (i & 3) != 0; i++) {
            body.write(padding);
        }
        return this;
    }

    public StunMessageBuilder software(String software) {
        return attribute(StunAttributes.SOFTWARE, software.getBytes(StandardCharsets.UTF_8));
    }

    public StunMessageBuilder username(String username) {
        return attribute(StunAttributes.USERNAME, username.getBytes(StandardCharsets.UTF_8));
    }

    public StunMessageBuilder priority(long priority) {
        return attribute(StunAttributes.PRIORITY, intBytes((int) priority));
    }

    public StunMessageBuilder useCandidate() {
        return attribute(StunAttributes.USE_CANDIDATE, new byte[0]);
    }

    /** ICE-CONTROLLING or ICE-CONTROLLED with a tie-breaker. */
    public StunMessageBuilder role(boolean controlling, long tieBreaker) {
        byte[] v = new byte[8];
        System.arraycopy(intBytes((int) (tieBreaker >>> 32)), 0, v, 0, 4);
        System.arraycopy(intBytes((int) tieBreaker), 0, v, 4, 4);
        return attribute(controlling ? StunAttributes.ICE_CONTROLLING : StunAttributes.ICE_CONTROLLED, v);
    }

    /** ERROR-CODE with a code 300..699 and a reason phrase. */
    public StunMessageBuilder errorCode(int code, String reason) {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("error code out of range: " + code);
        }
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] v = new byte[4 + text.length];
        v[2] = (byte) (code / 100);
        v[3] = (byte) (code % 100);
        System.arraycopy(text, 0, v, 4, text.length);
        return attribute(StunAttributes.ERROR_CODE, v);
    }

    /** UNKNOWN-ATTRIBUTES listing the given types. */
    public StunMessageBuilder unknownAttributes(int... types) {
        byte[] v = new byte[2 * types.length];
        for (int i = 0; i < types.length; i++) {
            v[2 * i] = (byte) (types[i] >>> 8);
            v[2 * i + 1] = (byte) types[i];
        }
        return attribute(StunAttributes.UNKNOWN_ATTRIBUTES, v);
    }

    /** XOR-MAPPED-ADDRESS of an IPv4 or IPv6 transport address. */
    public StunMessageBuilder xorMappedAddress(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        byte[] v = new byte[4 + ip.length];
        v[1] = (byte) (ip.length == 4 ? 1 : 2);
        int port = address.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16);
        v[2] = (byte) (port >>> 8);
        v[3] = (byte) port;
        byte[] mask = new byte[16];
        System.arraycopy(intBytes(StunMessage.MAGIC_COOKIE), 0, mask, 0, 4);
        System.arraycopy(transactionId, 0, mask, 4, 12);
        for (int i = 0; i < ip.length; i++) {
            v[4 + i] = (byte) (ip[i] ^ mask[i]);
        }
        return attribute(StunAttributes.XOR_MAPPED_ADDRESS, v);
    }

    /**
     * The encoded message.
     *
     * @param integrityKey short-term credential key (the password's UTF-8 bytes) for MESSAGE-INTEGRITY, or null
     * @param fingerprint  whether to end with FINGERPRINT
     */
    public byte[] build(byte[] integrityKey, boolean fingerprint) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(20 + body.size() + 32);
        out.write(type >>> 8);
        out.write(type);
        out.write(0);
        out.write(0);
        out.writeBytes(intBytes(StunMessage.MAGIC_COOKIE));
        out.writeBytes(transactionId);
        out.writeBytes(body.toByteArray());
        byte[] msg = out.toByteArray();
        if (integrityKey != null) {
            byte[] mac = StunMessage.integrity(msg, msg.length, integrityKey);
            msg = append(msg, StunAttributes.MESSAGE_INTEGRITY, mac);
        }
        if (fingerprint) {
            int crc = StunMessage.fingerprint(msg, msg.length);
            msg = append(msg, StunAttributes.FINGERPRINT, intBytes(crc));
        }
        int len = msg.length - 20;
        msg[2] = (byte) (len >>> 8);
        msg[3] = (byte) len;
        return msg;
    }

    private static byte[] append(byte[] msg, int attributeType, byte[] value) {
        byte[] out = new byte[msg.length + 4 + value.length];
        System.arraycopy(msg, 0, out, 0, msg.length);
        out[msg.length] = (byte) (attributeType >>> 8);
        out[msg.length + 1] = (byte) attributeType;
        out[msg.length + 3] = (byte) value.length;
        System.arraycopy(value, 0, out, msg.length + 4, value.length);
        return out;
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
