import java.security.SecureRandom;
import org.patchbay.media.internal.srtp.SdesCrypto;
import org.patchbay.media.internal.srtp.SrtpContext;
import org.patchbay.media.internal.srtp.SrtpProfile;

/** CPU per SRTP protect + unprotect of a 172-byte PCMU packet (AES_CM_128_HMAC_SHA1_80), single thread. */
public class SrtpCost {
    public static void main(String[] args) {
        SdesCrypto k = SdesCrypto.generate(1, SrtpProfile.valueOf("AES_CM_128_HMAC_SHA1_80"), new SecureRandom());
        SrtpContext tx = k.context(), rx = k.context();
        byte[] p = new byte[256];
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 4; round++) {
            int n = 200_000;
            long a0 = mx.getCurrentThreadAllocatedBytes(), t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                int seq = round * n + i;
                p[0] = (byte) 0x80; p[1] = 0; p[2] = (byte) (seq >> 8); p[3] = (byte) seq; p[11] = 7;
                int len = tx.protectRtp(p, 0, 172);
                if (rx.unprotectRtp(p, 0, len) != 172) throw new IllegalStateException("bad " + i);
            }
            long t1 = mx.getCurrentThreadCpuTime(), a1 = mx.getCurrentThreadAllocatedBytes();
            System.out.printf("round %d: %.2f us per protect+unprotect, %d B allocated per packet%n", round, (t1 - t0) / 1e3 / n, (a1 - a0) / n);
        }
    }
}
