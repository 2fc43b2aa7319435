package org.patchbay.http.internal.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchbay.http.internal.auth.AdminToken;

class SecretFilesTest {

    @TempDir
    Path dir;

    @Test
    void tokenIsCreatedOwnerOnlyAndReused() throws Exception {
        Path data = dir.resolve("data");
        String token = AdminToken.loadOrCreate(data);

        Path file = data.resolve("admin.token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        assertEquals(43, token.length(), "32 bytes in unpadded base64url");
        assertEquals(32, Base64.getUrlDecoder().decode(token).length);
        assertEquals(token, Files.readString(file).strip());
        assertEquals(token, AdminToken.loadOrCreate(data), "second start reuses the token");
        try (var files = Files.list(data)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void tokensDiffer() throws Exception {
        assertNotEquals(AdminToken.loadOrCreate(dir.resolve("a")), AdminToken.loadOrCreate(dir.resolve("b")));
    }

    @Test
    void wideningPermissionsAreNarrowedOnReuse() throws Exception {
        String token = AdminToken.loadOrCreate(dir);
        Path file = dir.resolve("admin.token");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertEquals(token, AdminToken.loadOrCreate(dir));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void unusableContentIsReplaced() throws Exception {
        Path file = dir.resolve("admin.token");
        Files.writeString(file, "short\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        String token = AdminToken.loadOrCreate(dir);

        assertEquals(43, token.length());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "the replacement file is created fresh with 0600");
    }

    @Test
    void operatorChosenTokenIsKept() throws Exception {
        String own = "my-own-admin-token-with-enough-length-0123456789";
        Files.writeString(dir.resolve("admin.token"), own + "\n");
        assertEquals(own, AdminToken.loadOrCreate(dir));
    }

    @Test
    void writeReplacesAtomically() throws Exception {
        Path file = dir.resolve("sub/secret");
        SecretFiles.write(file, "one".getBytes(StandardCharsets.UTF_8));
        SecretFiles.write(file, "two".getBytes(StandardCharsets.UTF_8));
        assertEquals("two", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var files = Files.list(file.getParent())) {
            assertTrue(files.allMatch(f -> f.getFileName().toString().equals("secret")));
        }
    }
}
