package org.patchbay.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;

class SystemBundlesTest {

    @TempDir
    Path home;

    private Framework framework;

    private final StartLevels levels = StartLevels.from(Map.of(
            "patchbay.startlevel.1", "early.*",
            "patchbay.startlevel.default", "10"));

    @AfterEach
    void stopFramework() throws Exception {
        if (framework != null) {
            EmbeddedFramework.stop(framework);
        }
    }

    @Test
    void firstSyncInstallsEveryJarWithItsStartLevelAndMarksItStarted() throws Exception {
        TestBundles.write(system(), "early.one", "a");
        TestBundles.write(system(), "late.two", "b");

        SystemBundles sync = sync();

        assertEquals("2 installed, 0 updated, 0 removed", sync.summary());
        assertEquals(1, bundle("early.one").adapt(BundleStartLevel.class).getStartLevel());
        assertEquals(10, bundle("late.two").adapt(BundleStartLevel.class).getStartLevel());
        assertTrue(bundle("late.two").adapt(BundleStartLevel.class).isPersistentlyStarted());
    }

    @Test
    void restartOnTheSameCacheReinstallsNothing() throws Exception {
        TestBundles.write(system(), "late.two", "b");
        sync();
        long id = bundle("late.two").getBundleId();
        restart();

        SystemBundles again = sync();

        assertFalse(again.changed(), again.summary());
        assertEquals(id, bundle("late.two").getBundleId());
    }

    @Test
    void changedJarUpdatesItsBundleAtTheNextStart() throws Exception {
        Path jar = TestBundles.write(system(), "late.two", "old");
        sync();
        restart();
        TestBundles.write(system(), "late.two", "new content");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000));

        SystemBundles again = sync();

        assertEquals("0 installed, 1 updated, 0 removed", again.summary());
        assertEquals("new content", payload(bundle("late.two")));
    }

    @Test
    void identicalBytesWithANewTimestampUpdateNothing() throws Exception {
        Path jar = TestBundles.write(system(), "late.two", "same");
        sync();
        restart();
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000));

        assertFalse(sync().changed());
    }

    @Test
    void removedJarIsUninstalledAndBundlesFromElsewhereAreLeftAlone() throws Exception {
        Path jar = TestBundles.write(system(), "late.two", "b");
        Path deployed = TestBundles.write(home.resolve("deploy"), "vendor.x", "v");
        sync();
        try (InputStream in = Files.newInputStream(deployed)) {
            framework.getBundleContext().installBundle(deployed.toUri().toString(), in);
        }
        restart();
        Files.delete(jar);

        SystemBundles again = sync();

        assertEquals("0 installed, 0 updated, 1 removed", again.summary());
        assertNull(find("late.two"));
        assertNotNull(find("vendor.x"));
    }

    @Test
    void fragmentsAreInstalledButNotStarted() throws Exception {
        TestBundles.write(system(), "late.host", "h");
        TestBundles.write(system(), "late.fragment.jar", "late.fragment", "1.0.0", Map.of("Fragment-Host", "late.host"), "f");

        sync();

        assertFalse(bundle("late.fragment").adapt(BundleStartLevel.class).isPersistentlyStarted());
        assertTrue(SystemBundles.isFragment(bundle("late.fragment")));
    }

    private Path system() {
        return home.resolve("system");
    }

    private SystemBundles sync() throws Exception {
        if (framework == null) {
            framework = EmbeddedFramework.create(home.resolve("cache"), Map.of());
        }
        SystemBundles sync = new SystemBundles(system(), levels);
        sync.sync(framework.getBundleContext());
        return sync;
    }

    private void restart() throws Exception {
        EmbeddedFramework.stop(framework);
        framework = EmbeddedFramework.create(home.resolve("cache"), Map.of());
    }

    private Bundle find(String bsn) {
        List<Bundle> matches = Arrays.stream(framework.getBundleContext().getBundles())
                .filter(b -> bsn.equals(b.getSymbolicName())).toList();
        return matches.isEmpty() ? null : matches.get(0);
    }

    private Bundle bundle(String bsn) {
        Bundle bundle = find(bsn);
        assertNotNull(bundle, bsn + " installed");
        return bundle;
    }

    private static String payload(Bundle bundle) throws IOException {
        try (InputStream in = bundle.getEntry("payload.txt").openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
