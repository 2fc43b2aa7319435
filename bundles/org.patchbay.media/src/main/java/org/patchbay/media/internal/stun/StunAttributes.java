package org.patchbay.media.internal.stun;

/** STUN attribute types used by ICE (RFC 8489 §18.3, RFC 8445 §16.1). */
public final class StunAttributes {

    public static final int MAPPED_ADDRESS = 0x0001;
    public static final int USERNAME = 0x0006;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    public static final int REALM = 0x0014;
    public static final int NONCE = 0x0015;
    public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    public static final int PASSWORD_ALGORITHM = 0x001D;
    public static final int USERHASH = 0x001E;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    public static final int PRIORITY = 0x0024;
    public static final int USE_CANDIDATE = 0x0025;
    public static final int SOFTWARE = 0x8022;
    public static final int FINGERPRINT = 0x8028;
    public static final int ICE_CONTROLLED = 0x8029;
    public static final int ICE_CONTROLLING = 0x802A;

    private StunAttributes() {
    }

    /** Whether the type is in the comprehension-required range 0x0000-0x7FFF. */
    public static boolean comprehensionRequired(int type) {
        return type < 0x8000;
    }

    /** Whether this engine understands the (comprehension-required) type. */
    static boolean understood(int type) {
        return switch (type) {
            case MAPPED_ADDRESS, USERNAME, MESSAGE_INTEGRITY, ERROR_CODE, UNKNOWN_ATTRIBUTES, REALM, NONCE,
                 XOR_MAPPED_ADDRESS, PRIORITY, USE_CANDIDATE -> true;
            default -> !comprehensionRequired(type);
        };
    }
}
