package org.patchbay.sip.internal.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.patchbay.api.node.NodeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS keystore of the SIP transport: the configured one, or the node's self-signed one in {@code data/tls/patchbay.p12}
 * (password in {@code patchbay.p12.pass}), shared with org.patchbay.http, which normally generates it. When it is missing
 * (http bundle absent or stopped) it is generated here with the JDK's {@code keytool} in the same shape: alias
 * {@code patchbay}, EC P-256, 10 years, SAN localhost/127.0.0.1/::1, files mode 0600 — so org.patchbay.http accepts it.
 * keytool instead of a copy of http's BouncyCastle code: no second certificate builder to maintain, at the price of one
 * process start (~1 s) on a node's very first boot without http.
 */
final class SipKeystores {

    static final String TLS_DIR = "tls";
    static final String KEYSTORE = "patchbay.p12";
    static final String PASSWORD = "patchbay.p12.pass";
    static final String ALIAS = "patchbay";
    private static final long WAIT_FOR_HTTP_MILLIS = 5000;
    private static final Logger LOG = LoggerFactory.getLogger(SipKeystores.class);

    private SipKeystores() {
    }

    static SipStackRuntime.Keystore resolve(SipSettings s, BundleContext context) throws Exception {
        Path home = dir(context == null ? null : context.getProperty(NodeProperties.HOME), Path.of(""));
        Path data = dir(context == null ? null : context.getProperty(NodeProperties.DATA),
                Path.of(System.getProperty("java.io.tmpdir"), "patchbay-data"));
        if (!s.keystore().isEmpty()) {
            Path path = home.resolve(s.keystore()).normalize();
            String problem = opens(path, s.keystorePassword(), s.keystoreType());
            if (problem != null) {
                throw new SipSettings.InvalidSettingException(SipSettings.KEYSTORE, path + " " + problem);
            }
            return new SipStackRuntime.Keystore(path, s.keystorePassword(), s.keystoreType());
        }
        return ensure(data.resolve(TLS_DIR), httpPresent(context));
    }

    private static Path dir(String value, Path fallback) {
        return (value == null || value.isBlank() ? fallback : Path.of(value)).toAbsolutePath();
    }

    /** org.patchbay.http is installed and not stopped: it generates the keystore at activation. */
    private static boolean httpPresent(BundleContext context) {
        if (context == null) {
            return false;
        }
        for (var b : context.getBundles()) {
            if ("org.patchbay.http".equals(b.getSymbolicName())
                    && (b.getState() & (org.osgi.framework.Bundle.ACTIVE | org.osgi.framework.Bundle.STARTING)) != 0) {
                return true;
            }
        }
        return false;
    }

    /** The self-signed keystore in {@code tlsDir}; generated when missing (after giving http a moment to do it). */
    static SipStackRuntime.Keystore ensure(Path tlsDir, boolean waitForHttp) throws Exception {
        Path store = tlsDir.resolve(KEYSTORE);
        Path pass = tlsDir.resolve(PASSWORD);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitForHttp ? WAIT_FOR_HTTP_MILLIS : 0);
        String problem = usable(store, pass);
        while (problem != null && System.nanoTime() < deadline) {
            Thread.sleep(100);
            problem = usable(store, pass);
        }
        if (problem == null) {
            return new SipStackRuntime.Keystore(store, password(pass), "PKCS12");
        }
        generate(tlsDir, store, pass);
        String after = usable(store, pass);
        if (after != null) {
            throw new IOException("generated keystore " + store + " " + after);
        }
        return new SipStackRuntime.Keystore(store, password(pass), "PKCS12");
    }

    private static String password(Path pass) throws IOException {
        return Files.readString(pass, StandardCharsets.UTF_8).strip();
    }

    /** Null when both files exist, the store opens and holds a current certificate under {@link #ALIAS}. */
    static String usable(Path store, Path pass) {
        if (!Files.isRegularFile(store) || !Files.isRegularFile(pass)) {
            return "or its password file is missing";
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password(pass).toCharArray());
            if (!(ks.getCertificate(ALIAS) instanceof X509Certificate cert) || !ks.isKeyEntry(ALIAS)) {
                return "has no '" + ALIAS + "' key entry";
            }
            if (cert.getNotAfter().toInstant().isBefore(Instant.now())) {
                return "holds an expired certificate";
            }
            return null;
        } catch (Exception e) {
            return "cannot be opened with its password file (" + e.getClass().getSimpleName() + ")";
        }
    }

    private static String opens(Path path, String password, String type) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            return "is not a readable file";
        }
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password.toCharArray());
            return null;
        } catch (Exception e) {
            return "does not open as " + type + " with the configured password (" + e.getClass().getSimpleName() + ")";
        }
    }

    private static void generate(Path dir, Path store, Path pass) throws Exception {
        Files.createDirectories(dir);
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path tmpStore = Files.createTempFile(dir, ".sip-", ".p12");
        Path tmpPass = Files.createTempFile(dir, ".sip-", ".pass");
        try {
            restrict(tmpStore);
            restrict(tmpPass);
            Files.delete(tmpStore); // keytool refuses to write into an empty file
            Files.writeString(tmpPass, password + "\n", StandardCharsets.UTF_8);
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            List<String> cmd = List.of(keytool.toString(), "-genkeypair", "-noprompt", "-alias", ALIAS, "-keyalg", "EC",
                    "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "3652",
                    "-dname", "CN=" + hostName() + ", O=Patchbay", "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                    "-ext", "EKU=serverAuth", "-storetype", "PKCS12", "-keystore", tmpStore.toString(),
                    "-storepass:file", tmpPass.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool failed: " + out);
            }
            restrict(tmpStore);
            // password first: a store beside a stale password is refused by both bundles and regenerated
            move(tmpPass, pass);
            move(tmpStore, store);
            LOG.info("Generated self-signed TLS certificate for SIP in {}", store);
        } finally {
            Files.deleteIfExists(tmpStore);
            Files.deleteIfExists(tmpPass);
        }
    }

    private static String hostName() {
        try {
            String n = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
            return n.isEmpty() || !n.matches("[A-Za-z0-9.-]+") ? "localhost" : n;
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
