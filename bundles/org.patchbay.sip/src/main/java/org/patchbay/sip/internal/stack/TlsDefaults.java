package org.patchbay.sip.internal.stack;

import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/** The JDK's default TLS protocols and cipher suites (TLS 1.2 and 1.3 only), for the stack's TLS transport. */
final class TlsDefaults {

    private TlsDefaults() {
    }

    static List<String> protocols() {
        List<String> p = Arrays.stream(parameters().getProtocols())
                .filter(s -> s.equals("TLSv1.2") || s.equals("TLSv1.3")).toList();
        return p.isEmpty() ? List.of("TLSv1.2") : p;
    }

    static List<String> cipherSuites() {
        return Arrays.asList(parameters().getCipherSuites());
    }

    private static SSLParameters parameters() {
        try {
            return SSLContext.getDefault().getDefaultSSLParameters();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }
}
