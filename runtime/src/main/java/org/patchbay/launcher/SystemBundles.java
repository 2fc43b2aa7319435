package org.patchbay.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.zip.CRC32C;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Makes the installed bundles match {@code system/} before the framework starts: a new jar is
 * installed, a changed jar updates its bundle, a removed jar uninstalls it. The framework cache
 * (kept across restarts) already holds every bundle, so an unchanged {@code system/} costs one
 * directory listing and no installs.
 *
 * <p>A shipped bundle's location is the {@code file:} URI of its jar, so {@code update <id>} in the
 * shell re-reads it from {@code system/}. Bundles with other locations (FileInstall's {@code deploy/},
 * shell installs) are left alone. "Changed" means a different size or modification time <em>and</em>
 * a different CRC-32C: a rebuild that copies identical bytes does not update anything.
 */
final class SystemBundles {

    /** Kept in the system bundle's data area, so it is dropped together with the cache. */
    static final String STATE_FILE = "patchbay-system-bundles.properties";

    private final Path dir;
    private final StartLevels startLevels;
    private final Map<String, Stamp> recorded = new TreeMap<>();
    private int installed;
    private int updated;
    private int removed;
    private boolean dirty;

    private record Stamp(long size, long modified, long crc) {
        static Stamp parse(String text) {
            String[] parts = text.split(",");
            return new Stamp(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        }

        boolean sameFile(Stamp other) {
            return other != null && size == other.size && modified == other.modified;
        }

        @Override
        public String toString() {
            return size + "," + modified + "," + crc;
        }
    }

    SystemBundles(Path dir, StartLevels startLevels) {
        this.dir = dir;
        this.startLevels = startLevels;
    }

    /**
     * Synchronises, sets each shipped bundle's start level and marks it to be started. Call between
     * {@code Framework.init()} and {@code start()}.
     */
    List<Bundle> sync(BundleContext context) throws IOException {
        File stateFile = context.getDataFile(STATE_FILE);
        readState(stateFile);
        String prefix = dir.toUri().toString();
        Map<String, Bundle> present = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getLocation().startsWith(prefix)) {
                present.put(bundle.getLocation(), bundle);
            }
        }
        List<Bundle> shipped = new ArrayList<>();
        for (Path jar : jars()) {
            Bundle bundle = installOrUpdate(context, jar, present.remove(jar.toUri().toString()));
            if (bundle != null) {
                shipped.add(bundle);
            }
        }
        for (Bundle gone : present.values()) {
            uninstall(gone);
        }
        dirty |= recorded.keySet().retainAll(shipped.stream().map(Bundle::getLocation).toList());
        writeState(stateFile);
        for (Bundle bundle : shipped) {
            prepareStart(bundle);
        }
        return shipped;
    }

    String summary() {
        return installed + " installed, " + updated + " updated, " + removed + " removed";
    }

    boolean changed() {
        return installed + updated + removed > 0;
    }

    private Bundle installOrUpdate(BundleContext context, Path jar, Bundle existing) throws IOException {
        String name = jar.getFileName().toString();
        String location = jar.toUri().toString();
        Stamp seen = new Stamp(Files.size(jar), Files.getLastModifiedTime(jar).toMillis(), 0);
        Stamp before = recorded.get(location);
        try {
            if (existing != null && seen.sameFile(before)) {
                return existing;
            }
            Stamp now = new Stamp(seen.size(), seen.modified(), crc(jar));
            recorded.put(location, now);
            dirty = true;
            if (existing == null) {
                installed++;
                try (InputStream in = Files.newInputStream(jar)) {
                    return context.installBundle(location, in);
                }
            }
            if (before == null || before.crc() != now.crc()) {
                updated++;
                try (InputStream in = Files.newInputStream(jar)) {
                    existing.update(in);
                }
            }
            return existing;
        } catch (BundleException | IllegalStateException e) {
            System.err.println("patchbay: cannot install system/" + name + ": " + e.getMessage());
            recorded.remove(location);
            return existing;
        }
    }

    private void uninstall(Bundle bundle) {
        try {
            bundle.uninstall();
            removed++;
        } catch (BundleException e) {
            System.err.println("patchbay: cannot uninstall " + bundle.getLocation() + ": " + e.getMessage());
        }
    }

    private void prepareStart(Bundle bundle) {
        bundle.adapt(BundleStartLevel.class).setStartLevel(startLevels.levelOf(bundle.getSymbolicName()));
        if (isFragment(bundle)) {
            return;
        }
        try {
            // Persistent start: the bundle starts when the framework reaches its level, on every boot,
            // even if someone stopped it in the shell last time.
            bundle.start();
        } catch (BundleException e) {
            System.err.println("patchbay: cannot start " + bundle.getSymbolicName() + ": " + e.getMessage());
        }
    }

    static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private List<Path> jars() throws IOException {
        List<Path> jars = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return jars;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
            stream.forEach(jars::add);
        }
        // Bundle ids, and so the start order within a level, follow the file names.
        jars.sort(null);
        return jars;
    }

    private static long crc(Path jar) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(jar)) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
    }

    private void readState(File file) throws IOException {
        if (file == null || !file.isFile()) {
            return;
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file.toPath(), StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        for (String name : properties.stringPropertyNames()) {
            try {
                recorded.put(name, Stamp.parse(properties.getProperty(name)));
            } catch (RuntimeException e) {
                // a damaged entry only costs one CRC of that jar
            }
        }
    }

    private void writeState(File file) throws IOException {
        if (file == null || !dirty) {
            return;
        }
        Properties properties = new Properties();
        recorded.forEach((name, stamp) -> properties.setProperty(name, stamp.toString()));
        Files.createDirectories(file.toPath().getParent());
        try (Writer out = Files.newBufferedWriter(file.toPath(), StandardCharsets.UTF_8)) {
            properties.store(out, "system/ jars as last installed: location=size,lastModified,crc32c");
        }
    }
}
