package org.patchbay.shell.internal.telnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patchbay.shell.internal.Gogo;

/** The telnet server on a free port of 127.0.0.1, in front of a real Gogo runtime. */
class TelnetServerTest {
    private final TestCommands commands = new TestCommands();
    private Gogo gogo;
    private Set<Thread> baseline;
    private TelnetServer server;

    @BeforeEach
    void setUp() {
        gogo = new Gogo().register("pb", commands, "echo", "fail", "print", "block");
        baseline = Thread.getAllStackTraces().keySet();
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        gogo.close();
    }

    private TelnetClient start(int maxSessions, Duration idle) throws IOException {
        server = new TelnetServer(gogo.processor, new TelnetServer.Settings(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), maxSessions, idle, 8192));
        server.start();
        return connect();
    }

    private TelnetClient connect() throws IOException {
        TelnetClient client = new TelnetClient(server.localAddress());
        assertEquals(TelnetSession.BANNER + "\n", client.untilPrompt());
        return client;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private List<String> newThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !baseline.contains(t) && t.isAlive())
                .map(Thread::getName).collect(Collectors.toList());
    }

    @Test
    void runsCommandsAndPrintsResultsAndOneLineErrors() throws Exception {
        try (TelnetClient c = start(8, Duration.ofMinutes(1))) {
            assertEquals("hello telnet world\n", c.run("pb:echo hello telnet world"));
            assertEquals("unscoped\n", c.run("echo unscoped"));
            assertEquals("pb:fail: it broke\n", c.run("pb:fail"));
            assertEquals("Command not found: nosuch\n", c.run("nosuch"));
            assertEquals("printed via System.out\n", c.run("pb:print"));
            assertEquals("", c.run(""));
            assertTrue(c.run("$exception").contains("Command not found"), "the last failure is kept in $exception");
        }
    }

    @Test
    void telnetNegotiationIsRefusedAndDoesNotDisturbTheCommand() throws Exception {
        try (TelnetClient c = start(8, Duration.ofMinutes(1))) {
            c.send(new byte[] {(byte) 255, (byte) 253, 1, 'p', 'b', ':', 'e', 'c', 'h', 'o', ' ', 'x', '\r', 0});
            // IAC WONT ECHO (IAC and WONT are no UTF-8, hence the replacement characters), then the result
            assertEquals("\uFFFD\uFFFD\u0001x\n", c.untilPrompt());
        }
    }

    @Test
    void exitQuitAndEndOfInputCloseTheSessionOnly() throws Exception {
        try (TelnetClient a = start(8, Duration.ofMinutes(1)); TelnetClient b = connect(); TelnetClient c = connect()) {
            a.send("exit");
            assertEquals("", a.rest());
            b.send("  quit ");
            assertEquals("", b.rest());
            c.socket.shutdownOutput();
            assertEquals("", c.rest());
            await("sessions to end", () -> server.sessionCount() == 0);
            try (TelnetClient d = connect()) {
                assertEquals("still here\n", d.run("pb:echo still here"));
            }
        }
    }

    @Test
    void sessionsOverTheLimitAreToldSoAndClosed() throws Exception {
        try (TelnetClient a = start(2, Duration.ofMinutes(1)); TelnetClient b = connect()) {
            try (TelnetClient c = new TelnetClient(server.localAddress())) {
                assertEquals("too many sessions (at most 2), try again later\n", c.rest());
            }
            a.send("exit");
            a.rest();
            await("a free slot", () -> server.sessionCount() < 2);
            try (TelnetClient d = connect()) {
                assertEquals("ok\n", d.run("pb:echo ok"));
            }
            assertEquals("b\n", b.run("pb:echo b"));
        }
    }

    @Test
    void idleSessionsAreClosed() throws Exception {
        try (TelnetClient c = start(8, Duration.ofMillis(300))) {
            assertEquals("\nidle for 300 ms, closing the session\n", c.rest());
        }
    }

    @Test
    void aTooLongLineIsRefusedAndTheSessionGoesOn() throws Exception {
        try (TelnetClient c = start(8, Duration.ofMinutes(1))) {
            assertEquals("line longer than 8192 bytes, discarded\n", c.run("pb:echo " + "x".repeat(9000)));
            assertEquals("fine\n", c.run("pb:echo fine"));
        }
    }

    @Test
    void closeEndsEverySessionEvenInACommandAndLeavesNoThreadOrSocket() throws Exception {
        TelnetClient a = start(8, Duration.ofMinutes(1));
        TelnetClient b = connect();
        a.send("pb:block");
        assertTrue(commands.blocking.await(5, TimeUnit.SECONDS));
        assertTrue(newThreads().stream().anyMatch(n -> n.startsWith(TelnetServer.THREAD_PREFIX)), newThreads().toString());
        InetSocketAddress address = server.localAddress();

        long started = System.nanoTime();
        server.close();
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3), "close took too long");

        a.rest();
        b.rest();
        a.close();
        b.close();
        assertThrows(ConnectException.class, () -> new TelnetClient(address).close());
        await("no new threads, got " + newThreads(), () -> newThreads().isEmpty());
    }
}
