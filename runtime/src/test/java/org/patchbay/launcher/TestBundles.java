package org.patchbay.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Writes minimal bundle jars (a manifest and one resource) for the launcher tests. */
final class TestBundles {

    private TestBundles() {
    }

    static Path write(Path dir, String fileName, String bsn, String version, Map<String, String> extraHeaders, String payload)
            throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", bsn);
        main.putValue("Bundle-Version", version);
        extraHeaders.forEach(main::putValue);
        Files.createDirectories(dir);
        Path jar = dir.resolve(fileName);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new ZipEntry("payload.txt"));
            out.write(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    static Path write(Path dir, String bsn, String payload) throws IOException {
        return write(dir, bsn + ".jar", bsn, "1.0.0", Map.of(), payload);
    }
}
