package org.patchbay.media.internal.dtls;

import org.patchbay.media.internal.srtp.SrtpContext;
import org.patchbay.media.internal.srtp.SrtpProfile;

/**
 * SRTP master keys from a DTLS-SRTP handshake (RFC 5764 §4.2): the exporter output
 * {@code client_key | server_key | client_salt | server_salt}, sorted into ours and the peer's.
 *
 * @param profile    the negotiated protection profile
 * @param localKey   master key we protect with
 * @param localSalt  master salt we protect with
 * @param remoteKey  master key the peer protects with
 * @param remoteSalt master salt the peer protects with
 */
public record DtlsSrtpKeys(SrtpProfile profile, byte[] localKey, byte[] localSalt, byte[] remoteKey,
                           byte[] remoteSalt) {

    /** Splits exported keying material of {@code 2 * (key + salt)} bytes. */
    static DtlsSrtpKeys fromExporter(SrtpProfile profile, byte[] material, boolean weAreClient) {
        int k = profile.keyLength();
        int s = profile.saltLength();
        byte[] clientKey = slice(material, 0, k);
        byte[] serverKey = slice(material, k, k);
        byte[] clientSalt = slice(material, 2 * k, s);
        byte[] serverSalt = slice(material, 2 * k + s, s);
        return weAreClient ? new DtlsSrtpKeys(profile, clientKey, clientSalt, serverKey, serverSalt)
                : new DtlsSrtpKeys(profile, serverKey, serverSalt, clientKey, clientSalt);
    }

    private static byte[] slice(byte[] b, int from, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, from, out, 0, len);
        return out;
    }

    /** A context that protects what we send. */
    public SrtpContext sendContext() {
        return new SrtpContext(profile, localKey, localSalt);
    }

    /** A context that unprotects what the peer sends. */
    public SrtpContext receiveContext() {
        return new SrtpContext(profile, remoteKey, remoteSalt);
    }

    /** Never shows key material. */
    @Override
    public String toString() {
        return "DtlsSrtpKeys[" + profile + "]";
    }
}
