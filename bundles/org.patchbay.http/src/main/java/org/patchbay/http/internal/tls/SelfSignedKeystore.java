package org.patchbay.http.internal.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import javax.crypto.spec.PBEParameterSpec;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.patchbay.http.internal.secret.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's self-signed TLS identity: {@code <data>/tls/patchbay.p12} (PKCS12, EC P-256, 10 years)
 * with its random password in {@code patchbay.p12.pass}, both mode 0600. Generated on first use and
 * reused while it opens and stays valid for more than 30 days. Keys and signatures come from the
 * JDK's JCA providers; BouncyCastle only builds the certificate structure (no BC provider needed).
 */
public final class SelfSignedKeystore {

    public static final String KEYSTORE = "patchbay.p12";
    public static final String PASSWORD = "patchbay.p12.pass";
    static final String ALIAS = "patchbay";
    static final Duration VALIDITY = Duration.ofDays(3652);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedKeystore.class);
    private static final Pattern DNS_NAME =
            Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    static final int PBE_ITERATIONS = 100;
    private static final Map<String, String> PKCS12_PROPERTIES = Map.of(
            "keystore.pkcs12.certProtectionAlgorithm", "NONE",
            "keystore.pkcs12.macAlgorithm", "HmacPBESHA256",
            "keystore.pkcs12.macIterationCount", Integer.toString(PBE_ITERATIONS));

    private SelfSignedKeystore() {
    }

    /** The keystore in {@code tlsDir}, generated there if missing, unreadable or about to expire. */
    public static TlsKeystore ensure(Path tlsDir) throws IOException, GeneralSecurityException {
        Path store = tlsDir.resolve(KEYSTORE);
        Path pass = tlsDir.resolve(PASSWORD);
        String reason = usable(store, pass);
        if (reason == null) {
            SecretFiles.restrict(store);
            SecretFiles.restrict(pass);
            return new TlsKeystore(store, Files.readString(pass, StandardCharsets.UTF_8).strip(), "PKCS12");
        }
        if (Files.exists(store)) {
            LOG.warn("{} {}; generating a new self-signed certificate", store, reason);
        }
        String host = localHostName();
        String password = SecretFiles.randomToken(24);
        KeyStore ks = generate(password.toCharArray(), host, Instant.now());
        byte[] bytes = storeCheaply(ks, password.toCharArray());
        SecretFiles.write(pass, (password + "\n").getBytes(StandardCharsets.UTF_8));
        SecretFiles.write(store, bytes);
        LOG.info("Generated self-signed TLS certificate for {} in {}", host, store);
        return new TlsKeystore(store, password, "PKCS12");
    }

    /** Null when both files exist, the keystore opens with the password and the certificate is current. */
    private static String usable(Path store, Path pass) {
        if (!Files.isRegularFile(store) || !Files.isRegularFile(pass)) {
            return "or its password file is missing";
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, Files.readString(pass, StandardCharsets.UTF_8).strip().toCharArray());
            if (!(ks.getCertificate(ALIAS) instanceof X509Certificate cert) || !ks.isKeyEntry(ALIAS)) {
                return "has no '" + ALIAS + "' key entry";
            }
            if (cert.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
                return "holds a certificate that expires on " + cert.getNotAfter().toInstant();
            }
            return null;
        } catch (IOException | GeneralSecurityException e) {
            return "cannot be opened with its password file (" + e.getClass().getSimpleName() + ")";
        }
    }

    /** A PKCS12 keystore with one EC P-256 key and its self-signed certificate under {@link #ALIAS}. */
    static KeyStore generate(char[] password, String host, Instant now) throws GeneralSecurityException, IOException {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = kpg.generateKeyPair();
        X509Certificate cert = certificate(pair, host, now);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        ks.setEntry(ALIAS, new KeyStore.PrivateKeyEntry(pair.getPrivate(), new X509Certificate[] {cert}),
                new KeyStore.PasswordProtection(password, "PBEWithHmacSHA256AndAES_256",
                        new PBEParameterSpec(salt, PBE_ITERATIONS)));
        return ks;
    }

    /**
     * PKCS12 bytes whose MAC uses {@link #PBE_ITERATIONS} and whose certificates are not encrypted.
     * The JDK's defaults (10 000 PBKDF2 iterations for MAC, certificates and key) cost ~0.1 s of CPU per
     * load on the node's C1-only JIT, and Jetty loads the store at every start. They protect nothing
     * here: the password is 24 random bytes (no stretching needed) kept beside the store with the same
     * permissions, and certificates are public. JDK 17 takes these settings only from properties read at
     * {@code store()}, so they are set for that call and restored.
     */
    static byte[] storeCheaply(KeyStore ks, char[] password) throws GeneralSecurityException, IOException {
        synchronized (PKCS12_PROPERTIES) {
            Map<String, String> previous = new HashMap<>();
            PKCS12_PROPERTIES.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ks.store(out, password);
                return out.toByteArray();
            } finally {
                previous.forEach((k, v) -> {
                    if (v == null) {
                        System.clearProperty(k);
                    } else {
                        System.setProperty(k, v);
                    }
                });
            }
        }
    }

    private static X509Certificate certificate(KeyPair pair, String host, Instant now)
            throws GeneralSecurityException, IOException {
        // the JDK encodes the name: BouncyCastle's BCStyle tables take a second to load
        X500Name subject = X500Name.getInstance(
                new X500Principal("CN=" + rfc2253Escape(host) + ", O=Patchbay").getEncoded());
        BigInteger serial = new BigInteger(63, new SecureRandom()).add(BigInteger.ONE);
        // back-dated a day so clients with a slightly slow clock accept it
        Date notBefore = Date.from(now.minus(Duration.ofDays(1)));
        Date notAfter = Date.from(now.plus(VALIDITY));
        SubjectPublicKeyInfo key = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
        X509CertificateHolder holder = new X509v3CertificateBuilder(subject, serial, notBefore, notAfter, subject, key)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectKeyIdentifier, false, keyIdentifier(key))
                .addExtension(Extension.subjectAlternativeName, false, subjectAltNames(host))
                .build(new JdkSigner(pair.getPrivate()));
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
    }

    /** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subject public key bits. */
    private static SubjectKeyIdentifier keyIdentifier(SubjectPublicKeyInfo key) throws GeneralSecurityException {
        return new SubjectKeyIdentifier(MessageDigest.getInstance("SHA-1").digest(key.getPublicKeyData().getBytes()));
    }

    /**
     * Signs with the JDK's SHA256withECDSA. BouncyCastle's JcaContentSignerBuilder would do the same but
     * its algorithm tables take over a second to initialise, which the first start of a node would pay.
     */
    private static final class JdkSigner implements ContentSigner {
        private static final AlgorithmIdentifier ECDSA_SHA256 =
                new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.10045.4.3.2"));
        private final PrivateKey key;
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();

        JdkSigner(PrivateKey key) {
            this.key = key;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return ECDSA_SHA256;
        }

        @Override
        public OutputStream getOutputStream() {
            return data;
        }

        @Override
        public byte[] getSignature() {
            try {
                Signature sig = Signature.getInstance("SHA256withECDSA");
                sig.initSign(key);
                sig.update(data.toByteArray());
                return sig.sign();
            } catch (GeneralSecurityException e) {
                throw new RuntimeOperatorException("cannot sign the certificate: " + e.getMessage(), e);
            }
        }
    }

    private static String rfc2253Escape(String value) {
        return value.replaceAll("([,+\"\\\\<>;=#])", "\\\\$1");
    }

    static GeneralNames subjectAltNames(String host) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        if (!host.equalsIgnoreCase("localhost") && DNS_NAME.matcher(host).matches()) {
            names.add(new GeneralName(GeneralName.dNSName, host));
        }
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.iPAddress, "::1"));
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    /**
     * The machine's host name, read without a DNS query where possible: resolving the local host can
     * stall for seconds on machines with broken name service.
     */
    static String localHostName() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel, StandardCharsets.US_ASCII).strip();
                if (!name.isEmpty()) {
                    return name.toLowerCase(Locale.ROOT);
                }
            }
        } catch (IOException e) {
            // fall through to the environment
        }
        for (String var : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String name = System.getenv(var);
            if (name != null && !name.isBlank()) {
                return name.strip().toLowerCase(Locale.ROOT);
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "localhost";
        }
    }
}
