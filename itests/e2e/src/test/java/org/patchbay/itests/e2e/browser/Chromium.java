package org.patchbay.itests.e2e.browser;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium ({@code /usr/bin/chromium}) as a process with a fresh profile in {@code dir}, every
 * host name resolving to nothing but 127.0.0.1 (nothing leaves the machine), certificate errors ignored (the node's
 * wss/https certificate is self-signed), fake camera and microphone. Its own log ({@code --enable-logging=stderr},
 * which includes the pages' console lines) goes to {@code dir/chromium.log}. {@link #close()} and {@link #kill()} end
 * this process and its descendants (zygote, renderers, GPU and network services) by PID, nothing else.
 */
public final class Chromium implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/chromium");

    private final Process process;
    private final Path log;

    private Chromium(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Null when browser tests can run here (libraries fetched, Chromium installed), else the reason to skip them;
     * for a class's {@code @BeforeAll}, with {@code assumeTrue(reason == null, reason)} in {@code @BeforeEach}.
     */
    public static String skipReason() {
        String npm = NpmCache.unavailable();
        if (npm != null) {
            return npm;
        }
        return Files.isExecutable(BINARY) ? null : BINARY + " is not installed (apt-get install chromium): browser tests skipped";
    }

    /** The flags of {@code /work/shared/E2E.md} plus logging; {@code profile} must be a new directory. */
    static List<String> command(Path profile, String url) {
        return command(profile, url, List.of());
    }

    /** As {@link #command(Path, String)}, with host-resolver rules such as {@code MAP name 127.0.0.1} put first. */
    static List<String> command(Path profile, String url, List<String> mapRules) {
        List<String> c = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--no-default-browser-check", "--disable-dev-shm-usage", "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection",
                "--autoplay-policy=no-user-gesture-required", "--ignore-certificate-errors",
                "--host-resolver-rules=" + String.join(", ", mapRules) + (mapRules.isEmpty() ? "" : ", ")
                        + "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + profile));
        c.add(url);
        return c;
    }

    /**
     * Starts Chromium on the page's URL under {@code dir} and waits until the page asked for its first command. One
     * page per browser: headless Chromium refuses several URLs ("Multiple targets are not supported in headless
     * mode"); start one Chromium per page. Aborts the test (assumption) when Chromium is not installed.
     */
    public static Chromium open(Path dir, Page page, long millis) throws IOException, InterruptedException {
        return open(dir, page, millis, List.of());
    }

    /**
     * As {@link #open(Path, Page, long)}, with extra host-resolver rules before the catch-all (e.g. {@code MAP
     * stun.l.google.com 127.0.0.1} for an SDK that hard-codes a STUN server).
     */
    public static Chromium open(Path dir, Page page, long millis, List<String> mapRules)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            NpmCache.skip(BINARY + " is not installed (apt-get install chromium): browser tests skipped");
        }
        Path profile = Files.createDirectories(dir).resolve("profile-" + System.nanoTime());
        Path log = dir.resolve("chromium-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(command(profile, page.url(), mapRules)).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        Chromium chromium = new Chromium(p, log);
        if (!page.awaitLoaded(millis)) {
            String tail = chromium.logTail(40);
            boolean alive = p.isAlive();
            chromium.close();
            throw new AssertionError("page " + page.id() + " did not load within " + millis + " ms; chromium "
                    + (alive ? "running" : "exited") + ", its log:\n" + tail);
        }
        return chromium;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last {@code lines} lines of Chromium's log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGKILL to the browser and all its descendants at once: no page gets to unload or close a socket itself. */
    public void kill() throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(10, TimeUnit.SECONDS);
        for (ProcessHandle h : tree) {
            h.onExit().completeOnTimeout(h, 5, TimeUnit.SECONDS).join();
        }
    }

    /**
     * SIGTERM (Chromium closes its pages and shuts down its children), SIGKILL after 5 s; whatever of its tree is
     * still there 200 ms after the browser process ended (helpers such as the crash handler linger) gets SIGKILL.
     */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            tree.addAll(process.descendants().toList());
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : tree) {
            h.onExit().completeOnTimeout(h, 200, TimeUnit.MILLISECONDS).join();
            if (h.isAlive()) {
                h.destroyForcibly();
                h.onExit().completeOnTimeout(h, 5, TimeUnit.SECONDS).join();
            }
        }
    }
}
