package org.patchbay.launcher;

import java.io.IOException;

/**
 * Starts a Patchbay node: {@code java -jar lib/patchbay-launcher.jar [--daemon]}.
 *
 * <p>Without {@code --daemon} and with a terminal on stdin and stdout, the Gogo console runs and
 * leaving it ({@code exit}, Ctrl-D) stops the node. Otherwise the node runs headless until the
 * framework is stopped (SIGTERM, SIGINT, {@code stop 0}, {@code pb:shutdown}). Exit code 0 after a
 * clean stop, 1 when the node could not start or did not stop in time, 2 on bad arguments.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        boolean daemon = false;
        for (String arg : args) {
            if ("--daemon".equals(arg)) {
                daemon = true;
            } else {
                System.err.println("usage: java -jar lib/patchbay-launcher.jar [--daemon]");
                System.exit(EXIT_USAGE);
            }
        }
        boolean console = !daemon && System.console() != null;
        System.exit(launch(console));
    }

    private static int launch(boolean console) {
        LauncherConfig config;
        try {
            config = LauncherConfig.load(console);
        } catch (IOException | IllegalStateException e) {
            System.err.println("patchbay: cannot read the configuration: " + e.getMessage());
            return EXIT_FAILED;
        }
        config.exportSystemProperties();
        try (DataLock lock = DataLock.acquire(config.data())) {
            Shutdown shutdown = new Shutdown();
            shutdown.install();
            return new Node(config, shutdown).run();
        } catch (IOException e) {
            System.err.println("patchbay: " + e.getMessage());
            return EXIT_FAILED;
        } catch (Exception e) {
            System.err.println("patchbay: the node failed: " + e);
            e.printStackTrace();
            return EXIT_FAILED;
        }
    }
}
