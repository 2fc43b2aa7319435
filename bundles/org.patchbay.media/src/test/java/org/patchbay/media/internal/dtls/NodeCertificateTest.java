package org.patchbay.media.internal.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeCertificateTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void generatedOncePersistedOwnerOnlyAndReloaded(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state/dtls");
        NodeCertificate first = NodeCertificate.loadOrCreate(dir, random);
        Path file = dir.resolve(NodeCertificate.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("EC", first.certificate().getPublicKey().getAlgorithm());
        assertEquals("SHA256withECDSA", first.certificate().getSigAlgName());
        first.certificate().verify(first.certificate().getPublicKey());
        assertTrue(first.certificate().getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(3000))));

        NodeCertificate again = NodeCertificate.loadOrCreate(dir, random);
        assertEquals(first.fingerprint(), again.fingerprint());
        assertEquals(first.privateKey(), again.privateKey());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left");
        }
    }

    @Test
    void corruptOrMismatchedFileIsReplaced(@TempDir Path dir) throws Exception {
        NodeCertificate first = NodeCertificate.loadOrCreate(dir, random);
        Path file = dir.resolve(NodeCertificate.FILE_NAME);
        Files.writeString(file, "garbage");
        NodeCertificate second = NodeCertificate.loadOrCreate(dir, random);
        assertNotEquals(first.fingerprint(), second.fingerprint());
        assertEquals(second.fingerprint(), NodeCertificate.loadOrCreate(dir, random).fingerprint());

        String pem = Files.readString(file);
        NodeCertificate.loadOrCreate(dir.resolve("other"), random);
        String otherKey = Files.readString(dir.resolve("other").resolve(NodeCertificate.FILE_NAME));
        String mixed = otherKey.substring(0, otherKey.indexOf("-----BEGIN CERTIFICATE"))
                + pem.substring(pem.indexOf("-----BEGIN CERTIFICATE"));
        Files.writeString(file, mixed);
        NodeCertificate third = NodeCertificate.loadOrCreate(dir, random);
        assertNotEquals(second.fingerprint(), third.fingerprint(), "a key that does not match is not used");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
