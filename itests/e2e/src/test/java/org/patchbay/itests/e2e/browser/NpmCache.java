package org.patchbay.itests.e2e.browser;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.opentest4j.TestAbortedException;

/**
 * The browser libraries, fetched from the npm registry at test time into a git-ignored cache and bundled for the page
 * with esbuild: {@code jssip.js} (global {@code JsSIP}; JsSIP ships no browser build) and {@code sip.js} (global
 * {@code SIP}). The cache directory is {@code -De2e.cache} (the pom sets {@code <repo>/.cache/e2e}, which survives
 * {@code mvn clean}); each set of {@link #VERSIONS} gets its own sub-directory, filled in a temporary directory and
 * renamed into place when complete, so an interrupted fetch never leaves a half cache behind.
 *
 * <p>When {@code npm} is not installed or its registry cannot be reached, {@link #libraries()} aborts the calling test
 * with a JUnit assumption (reported as skipped, with the reason); any other failure fails the test.
 */
public final class NpmCache {

    /** Exact versions: jssip 3.10.x, sip.js 0.21.x, and the esbuild that bundles them. */
    public static final List<String> VERSIONS = List.of("jssip@3.10.9", "sip.js@0.21.2", "esbuild@0.28.2");

    private static final Object LOCK = new Object();
    private static Path ready;
    /** Why the first attempt skipped: later classes skip at once instead of asking the registry again. */
    private static String skipped;

    private NpmCache() {
    }

    /**
     * Null when the libraries are ready (fetched now if needed), else why browser tests cannot run. For
     * {@code @BeforeAll}: an assumption failing there reports no test at all, so keep the reason and abort each test
     * in {@code @BeforeEach} (see {@link Chromium#skipReason()}).
     */
    public static String unavailable() {
        try {
            libraries();
            return null;
        } catch (TestAbortedException e) {
            return e.getMessage();
        }
    }

    /** The directory holding {@code jssip.js} and {@code sip.js}, fetching and bundling them on first use. */
    public static Path libraries() {
        synchronized (LOCK) {
            if (skipped != null) {
                abort(skipped);
            }
            if (ready == null) {
                try {
                    ready = prepare();
                } catch (TestAbortedException e) {
                    skipped = e.getMessage();
                    throw e;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while fetching " + VERSIONS, e);
                }
            }
            return ready;
        }
    }

    /** Vendor packages fetched so far (spec → unpacked directory), and why ones could not be. */
    private static final java.util.Map<String, Object> VENDOR = new java.util.HashMap<>();

    /**
     * A vendor package ({@code name@version}, e.g. {@code @exotel-npm-dev/webrtc-client-sdk@2.0.5}) as published,
     * unpacked from its tarball ({@code npm pack}; no dependencies installed, no scripts run) into
     * {@code <cache>/vendor-<scope>-<name>-<version>/package}. Never committed: the cache is git-ignored. Aborts the calling
     * test (skipped, with the reason) when npm or the registry is unavailable; later calls skip at once.
     */
    public static Path vendorPackage(String spec) {
        synchronized (LOCK) {
            Object known = VENDOR.get(spec);
            if (known instanceof Path p) {
                return p;
            }
            if (known instanceof String why) {
                abort(why);
            }
            try {
                Path p = fetchVendor(spec);
                VENDOR.put(spec, p);
                return p;
            } catch (TestAbortedException e) {
                VENDOR.put(spec, e.getMessage());
                throw e;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while fetching " + spec, e);
            }
        }
    }

    /** Null when {@link #vendorPackage} works for {@code spec}, else why not (for {@code @BeforeAll}). */
    public static String vendorUnavailable(String spec) {
        try {
            vendorPackage(spec);
            return null;
        } catch (TestAbortedException e) {
            return e.getMessage();
        }
    }

    private static Path fetchVendor(String spec) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("e2e.cache", System.getProperty("user.home") + "/.cache/patchbay-e2e"));
        Path dir = root.resolve("vendor-" + (spec.startsWith("@") ? spec.substring(1) : spec).replace('@', '-').replace('/', '-'));
        Path pkg = dir.resolve("package");
        if (Files.isRegularFile(dir.resolve(".complete"))) {
            return pkg;
        }
        Files.createDirectories(root);
        try (FileChannel channel = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            if (Files.isRegularFile(dir.resolve(".complete"))) {
                return pkg;
            }
            if (!onPath("npm") || !onPath("tar")) {
                skip("npm (and tar) needed to fetch " + spec + ": tests of it skipped");
            }
            Path tmp = Files.createTempDirectory(root, "fetch-");
            try {
                String registry = run(tmp, List.of("npm", "config", "get", "registry"), 30).output.lines()
                        .filter(l -> l.startsWith("http")).reduce((a, b) -> b).orElse("https://registry.npmjs.org/").strip();
                String unreachable = unreachable(registry);
                if (unreachable != null) {
                    skip("npm registry " + registry + " unreachable (" + unreachable + "): cannot fetch " + spec
                            + ", tests of it skipped");
                }
                Result pack = run(tmp, List.of("npm", "pack", spec, "--loglevel=error", "--fetch-retries=1",
                        "--no-update-notifier"), 180);
                String tgz = pack.output.lines().map(String::strip).filter(l -> l.endsWith(".tgz")).reduce((a, b) -> b)
                        .orElse(null);
                if (pack.code != 0 || tgz == null || !Files.isRegularFile(tmp.resolve(tgz))) {
                    skip("npm pack " + spec + " failed (" + pack.code + "): " + pack.output.strip()
                            + " - tests of it skipped");
                }
                Result untar = run(tmp, List.of("tar", "xzf", tgz), 60);
                if (untar.code != 0 || !Files.isDirectory(tmp.resolve("package"))) {
                    throw new IllegalStateException("tar xzf " + tgz + " failed: " + untar.output);
                }
                Files.delete(tmp.resolve(tgz));
                Files.writeString(tmp.resolve(".complete"), spec + "\n");
                deleteTree(dir);
                Files.move(tmp, dir);
            } finally {
                deleteTree(tmp);
            }
        }
        return pkg;
    }

    private static Path prepare() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("e2e.cache", System.getProperty("user.home") + "/.cache/patchbay-e2e"));
        Path dir = root.resolve("npm-" + String.join("_", VERSIONS).replace('@', '-').replace('/', '-'));
        Path bundles = dir.resolve("bundle");
        if (Files.isRegularFile(bundles.resolve(".complete"))) {
            return bundles;
        }
        Files.createDirectories(root);
        // another JVM (a second worktree's run sharing the cache) may be filling the same directory
        try (FileChannel channel = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            if (Files.isRegularFile(bundles.resolve(".complete"))) {
                return bundles;
            }
            Path tmp = Files.createTempDirectory(root, "fetch-");
            try {
                fill(tmp);
                deleteTree(dir);
                Files.move(tmp, dir);
            } finally {
                deleteTree(tmp);
            }
        }
        return bundles;
    }

    private static void fill(Path dir) throws IOException, InterruptedException {
        if (!onPath("npm")) {
            skip("npm is not installed: the browser tests need it to fetch " + VERSIONS + " (apt-get install npm)");
        }
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"patchbay-e2e-browser\",\"private\":true}\n");
        // ask first: npm itself retries an unreachable registry for minutes
        String registry = run(dir, List.of("npm", "config", "get", "registry"), 30).output.lines()
                .filter(l -> l.startsWith("http")).reduce((a, b) -> b).orElse("https://registry.npmjs.org/").strip();
        String unreachable = unreachable(registry);
        if (unreachable != null) {
            skip("npm registry " + registry + " unreachable (" + unreachable + "): browser tests skipped");
        }
        List<String> install = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--no-update-notifier",
                "--no-package-lock", "--loglevel=error", "--fetch-retries=1"));
        install.addAll(VERSIONS);
        Result npm = run(dir, install, 180);
        if (npm.code != 0) {
            throw new IllegalStateException("npm install " + VERSIONS + " failed with " + npm.code + ":\n" + npm.output);
        }
        Path esbuild = dir.resolve("node_modules/.bin/esbuild");
        Path bundles = Files.createDirectories(dir.resolve("bundle"));
        bundle(dir, esbuild, "node_modules/jssip/lib-es5/JsSIP.js", "JsSIP", bundles.resolve("jssip.js"));
        bundle(dir, esbuild, "node_modules/sip.js/lib/index.js", "SIP", bundles.resolve("sip.js"));
        Files.writeString(bundles.resolve(".complete"), String.join("\n", VERSIONS) + "\n");
    }

    private static void bundle(Path dir, Path esbuild, String entry, String global, Path out)
            throws IOException, InterruptedException {
        Result r = run(dir, List.of(esbuild.toString(), entry, "--bundle", "--platform=browser", "--format=iife",
                "--global-name=" + global, "--target=es2020", "--log-level=warning", "--outfile=" + out), 120);
        if (r.code != 0 || !Files.isRegularFile(out)) {
            throw new IllegalStateException("esbuild " + entry + " failed with " + r.code + ":\n" + r.output);
        }
    }

    /** Aborts the calling test (reported as skipped) and says why on standard error too. */
    static void skip(String reason) {
        System.err.println("e2e browser: " + reason);
        abort(reason);
    }

    /** Null when the registry answers HTTP at all, else why not. */
    private static String unreachable(String registry) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            client.send(HttpRequest.newBuilder(URI.create(registry)).timeout(Duration.ofSeconds(10))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            return null;
        } catch (IllegalArgumentException e) {
            return "bad registry URL";
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.of(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    private record Result(int code, String output) {
    }

    private static Result run(Path dir, List<String> command, int seconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "run-", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                return new Result(-1, String.join(" ", command) + ": no exit within " + seconds + " s\n" + read(log));
            }
            return new Result(p.exitValue(), read(log));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static String read(Path log) throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
