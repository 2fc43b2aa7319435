package org.patchbay.http.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedKeystoreTest {

    @TempDir
    Path dir;

    @Test
    void storeIsCheapToLoadAndLeavesNoGlobalSettingsBehind() throws Exception {
        String before = System.getProperty("keystore.pkcs12.macIterationCount");
        char[] password = "0123456789abcdef0123456789abcdef".toCharArray();
        KeyStore generated = SelfSignedKeystore.generate(password, "node.example", Instant.now());
        byte[] bytes = SelfSignedKeystore.storeCheaply(generated, password);

        assertEquals(before, System.getProperty("keystore.pkcs12.macIterationCount"));
        assertEquals(null, System.getProperty("keystore.pkcs12.certProtectionAlgorithm"));
        org.bouncycastle.asn1.pkcs.Pfx pfx = org.bouncycastle.asn1.pkcs.Pfx.getInstance(bytes);
        assertEquals(SelfSignedKeystore.PBE_ITERATIONS, pfx.getMacData().getIterationCount().intValue());

        KeyStore loaded = KeyStore.getInstance("PKCS12");
        loaded.load(new java.io.ByteArrayInputStream(bytes), password);
        assertTrue(loaded.isKeyEntry(SelfSignedKeystore.ALIAS));
        assertEquals(generated.getCertificate(SelfSignedKeystore.ALIAS), loaded.getCertificate(SelfSignedKeystore.ALIAS));
        assertEquals("EC", loaded.getKey(SelfSignedKeystore.ALIAS, password).getAlgorithm());
    }

    @Test
    void generatesOwnerOnlyPkcs12WithExpectedCertificate() throws Exception {
        Path tls = dir.resolve("tls");
        TlsKeystore ks = SelfSignedKeystore.ensure(tls);

        Path store = tls.resolve("patchbay.p12");
        Path pass = tls.resolve("patchbay.p12.pass");
        assertEquals(store, ks.path());
        assertEquals("PKCS12", ks.type());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pass)));
        assertEquals(ks.password(), Files.readString(pass).strip());

        X509Certificate cert = certificate(store, ks.password());
        cert.checkValidity();
        cert.verify(cert.getPublicKey());
        assertEquals("EC", cert.getPublicKey().getAlgorithm());
        String host = SelfSignedKeystore.localHostName();
        assertTrue(cert.getSubjectX500Principal().getName().contains("CN=" + host), cert.getSubjectX500Principal().getName());
        Duration validity = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        assertTrue(validity.toDays() >= 3650 && validity.toDays() <= 3654, "about 10 years: " + validity);

        List<String> sans = new ArrayList<>();
        for (List<?> san : cert.getSubjectAlternativeNames()) {
            sans.add(san.get(0) + "=" + sanText(san));
        }
        assertTrue(sans.contains("2=localhost"), sans.toString());
        assertTrue(sans.contains("7=127.0.0.1"), sans.toString());
        assertTrue(sans.contains("7=::1"), sans.toString());
        if (!host.equals("localhost")) {
            assertTrue(sans.contains("2=" + host), sans.toString());
        }
        assertTrue(cert.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
    }

    @Test
    void reusesExistingKeystore() throws Exception {
        TlsKeystore first = SelfSignedKeystore.ensure(dir);
        X509Certificate a = certificate(first.path(), first.password());
        TlsKeystore second = SelfSignedKeystore.ensure(dir);
        assertEquals(first.password(), second.password());
        assertEquals(a.getSerialNumber(), certificate(second.path(), second.password()).getSerialNumber());
    }

    @Test
    void regeneratesWhenPasswordFileDoesNotOpenIt() throws Exception {
        TlsKeystore first = SelfSignedKeystore.ensure(dir);
        Files.writeString(dir.resolve("patchbay.p12.pass"), "wrong\n");
        TlsKeystore second = SelfSignedKeystore.ensure(dir);
        assertNotEquals(first.password(), second.password());
        certificate(second.path(), second.password()).checkValidity();
    }

    @Test
    void regeneratesWhenCertificateIsAboutToExpire() throws Exception {
        char[] pw = "pw-0123456789".toCharArray();
        KeyStore old = SelfSignedKeystore.generate(pw, "old", Instant.now().minus(Duration.ofDays(3640)));
        try (var out = Files.newOutputStream(dir.resolve("patchbay.p12"))) {
            old.store(out, pw);
        }
        Files.writeString(dir.resolve("patchbay.p12.pass"), new String(pw));
        TlsKeystore fresh = SelfSignedKeystore.ensure(dir);
        assertTrue(certificate(fresh.path(), fresh.password()).getNotAfter().toInstant()
                .isAfter(Instant.now().plus(Duration.ofDays(3000))));
    }

    /** The generated identity works for a real TLS handshake with host name verification on localhost. */
    @Test
    void servesTlsWithHostnameVerification() throws Exception {
        TlsKeystore tls = SelfSignedKeystore.ensure(dir);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.path())) {
            ks.load(in, tls.password().toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, tls.password().toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("node", ks.getCertificate("patchbay"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);

        try (SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> accept = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.startHandshake();
                    s.getOutputStream().write(42);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()), 2000);
                SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(c, "localhost", ss.getLocalPort(), true);
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(p);
                s.startHandshake();
                assertEquals(42, s.getInputStream().read());
                s.close();
            }
            accept.get(5, TimeUnit.SECONDS);
        }
    }

    private static X509Certificate certificate(Path store, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password.toCharArray());
        }
        assertTrue(ks.isKeyEntry("patchbay"));
        return (X509Certificate) ks.getCertificate("patchbay");
    }

    /** IP SANs come back as text in the JDK's long IPv6 form; normalise loopback for comparison. */
    private static String sanText(List<?> san) throws Exception {
        String value = String.valueOf(san.get(1));
        if ((Integer) san.get(0) == 7 && value.contains(":") && InetAddress.getByName(value).isLoopbackAddress()) {
            return "::1";
        }
        return value;
    }
}
