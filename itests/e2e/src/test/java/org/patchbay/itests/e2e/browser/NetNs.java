package org.patchbay.itests.e2e.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private network namespace whose only interface is loopback, for tests whose media must not leave 127.0.0.1
 * (Chromium gathers ICE candidates on every interface it sees, {@code --allow-loopback-in-peer-connection} or not).
 * {@link #wrap} turns a command into {@code unshare --net --fork -- bash -c 'ip link set lo up && exec "$@"' ...};
 * as root that is all it takes, otherwise {@code --user --map-root-user} is added (needs unprivileged user
 * namespaces). Nothing inside reaches the network: fetch npm packages ({@link NpmCache}) before entering.
 *
 * <p>Everything that must talk over loopback has to be inside the same namespace: the node, the phones, Chromium and
 * the test's own sockets (the agent server). A child started through {@link #wrap} gets a namespace of its own, so
 * for a media test run the whole test JVM inside one: failsafe's {@code -Djvm=<repo>/itests/e2e/netns/bin/java}
 * (see {@code itests/e2e/BROWSER.md}) and {@code assumeTrue(NetNs.loopbackOnly())} in the test.
 */
public final class NetNs {

    private NetNs() {
    }

    /** Whether {@link #wrap} can work here: {@code unshare} and {@code ip} exist and a namespace can be made. */
    public static boolean available() {
        if (!NpmCache.onPath("unshare") || !NpmCache.onPath("ip")) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(wrap(List.of("true"))).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code command} to run in a new network namespace with only {@code lo}, up. */
    public static List<String> wrap(List<String> command) {
        List<String> c = new ArrayList<>(List.of("unshare"));
        if (!"root".equals(System.getProperty("user.name"))) {
            c.addAll(List.of("--user", "--map-root-user"));
        }
        c.addAll(List.of("--net", "--fork", "--", "bash", "-c", "ip link set lo up && exec \"$@\"", "netns"));
        c.addAll(command);
        return c;
    }

    /** Whether this process already runs where loopback is the only network interface ({@code /proc/net/dev}). */
    public static boolean loopbackOnly() {
        try {
            return Files.readAllLines(Path.of("/proc/net/dev")).stream().skip(2)
                    .map(l -> l.substring(0, l.indexOf(':')).strip()).allMatch("lo"::equals);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
