package org.patchbay.media.internal.dtls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Set;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's DTLS identity: an ECDSA P-256 key and a self-signed certificate, valid for
 * {@link #VALIDITY}, kept in {@value #FILE_NAME} (PKCS#8 key and certificate, PEM) with owner-only
 * permissions in a directory of the node's choice. WebRTC authenticates it by the fingerprint in SDP, not
 * by a CA, so one certificate serves every call of the node (RFC 8827 §6.5 allows reuse across calls).
 * Immutable and thread-safe.
 */
public final class NodeCertificate {

    /** The file in the given directory. */
    public static final String FILE_NAME = "dtls-certificate.pem";
    /** Validity of a generated certificate. */
    public static final Duration VALIDITY = Duration.ofDays(3650);
    /** A certificate that expires sooner than this is replaced on load. */
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private static final Logger LOG = LoggerFactory.getLogger(NodeCertificate.class);
    private static final String KEY_PEM = "PRIVATE KEY";
    private static final String CERT_PEM = "CERTIFICATE";
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
            PosixFilePermissions.fromString("rwx------");

    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final byte[] der;
    private final CertificateFingerprint fingerprint;

    private NodeCertificate(PrivateKey privateKey, X509Certificate certificate) throws GeneralSecurityException {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.der = certificate.getEncoded();
        this.fingerprint = CertificateFingerprint.sha256(der);
    }

    /**
     * Loads the certificate from {@code directory}, or generates and stores a new one if the file is
     * missing, unreadable, does not match its key, or expires within {@link #RENEW_BEFORE}.
     *
     * @throws IOException if a new certificate cannot be written
     */
    public static NodeCertificate loadOrCreate(Path directory, SecureRandom random) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        if (Files.exists(file)) {
            try {
                NodeCertificate loaded = read(Files.readString(file, StandardCharsets.US_ASCII));
                if (loaded.certificate.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE))) {
                    return loaded;
                }
                LOG.info("DTLS certificate in {} expires soon, generating a new one", file);
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                LOG.warn("DTLS certificate in {} is unreadable ({}), generating a new one", file, e.getMessage());
            }
        }
        NodeCertificate created = generate(random);
        created.write(directory, file);
        return created;
    }

    /** A fresh certificate that is not stored anywhere (tests, or a node without a state directory). */
    public static NodeCertificate generate(SecureRandom random) {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair kp = kpg.generateKeyPair();
            return new NodeCertificate(kp.getPrivate(), selfSign(kp, random));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot generate an ECDSA P-256 certificate", e);
        }
    }

    private static X509Certificate selfSign(KeyPair kp, SecureRandom random)
            throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=patchbay-dtls");
        AlgorithmIdentifier sigAlg = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        V3TBSCertificateGenerator tbsGen = new V3TBSCertificateGenerator();
        tbsGen.setSerialNumber(new ASN1Integer(new BigInteger(63, random).add(BigInteger.ONE)));
        tbsGen.setIssuer(name);
        tbsGen.setSubject(name);
        tbsGen.setStartDate(new Time(Date.from(now.minus(Duration.ofDays(1)))));
        tbsGen.setEndDate(new Time(Date.from(now.plus(VALIDITY))));
        tbsGen.setSignature(sigAlg);
        tbsGen.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()));
        TBSCertificate tbs = tbsGen.generateTBSCertificate();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(kp.getPrivate(), random);
        signer.update(tbs.getEncoded(ASN1Encoding.DER));
        ASN1EncodableVector cert = new ASN1EncodableVector();
        cert.add(tbs);
        cert.add(sigAlg);
        cert.add(new DERBitString(signer.sign()));
        byte[] der = new DERSequence(cert).getEncoded(ASN1Encoding.DER);
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    }

    private static NodeCertificate read(String pem) throws GeneralSecurityException, IOException {
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(block(pem, KEY_PEM)));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(block(pem, CERT_PEM)));
        Signature probe = Signature.getInstance("SHA256withECDSA");
        probe.initSign(key);
        probe.update(cert.getEncoded());
        byte[] sig = probe.sign();
        probe.initVerify(cert.getPublicKey());
        probe.update(cert.getEncoded());
        if (!probe.verify(sig)) {
            throw new GeneralSecurityException("key does not match certificate");
        }
        return new NodeCertificate(key, cert);
    }

    private static byte[] block(String pem, String label) throws IOException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException("no " + label + " block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }

    private void write(Path directory, Path file) throws IOException {
        boolean posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(directory)) {
            FileAttribute<?>[] ownerOnly = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR)}
                    : new FileAttribute<?>[0];
            try {
                Files.createDirectories(directory, ownerOnly);
            } catch (FileAlreadyExistsException e) {
                throw new IOException(directory + " is not a directory", e);
            }
        }
        Path tmp = posix
                ? Files.createTempFile(directory, ".dtls", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(directory, ".dtls", ".tmp");
        try {
            Base64.Encoder b64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
            String pem = "-----BEGIN " + KEY_PEM + "-----\n" + b64.encodeToString(privateKey.getEncoded())
                    + "\n-----END " + KEY_PEM + "-----\n-----BEGIN " + CERT_PEM + "-----\n"
                    + b64.encodeToString(der) + "\n-----END " + CERT_PEM + "-----\n";
            Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The DER encoding of the certificate (a copy). */
    public byte[] encoded() {
        return der.clone();
    }

    /** The SHA-256 fingerprint for {@code a=fingerprint}. */
    public CertificateFingerprint fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "NodeCertificate[" + fingerprint.format() + "]";
    }
}
