package org.patchbay.shell.internal.telnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patchbay.shell.internal.Gogo;

/** The DS component as SCR drives it: constructed with a configuration, then deactivated. */
class TelnetConsoleTest {
    private Gogo gogo;

    @BeforeEach
    void setUp() {
        gogo = new Gogo().register("pb", new TestCommands(), "echo");
    }

    @AfterEach
    void tearDown() {
        gogo.close();
    }

    /** A configuration as SCR builds it: the given values, the declared defaults for the rest. */
    static TelnetConsole.Config config(Map<String, Object> values) {
        return (TelnetConsole.Config) Proxy.newProxyInstance(TelnetConsole.Config.class.getClassLoader(),
                new Class<?>[] {TelnetConsole.Config.class}, (proxy, method, args) -> method.getName().equals("annotationType")
                        ? TelnetConsole.Config.class
                        : values.getOrDefault(method.getName(), method.getDefaultValue()));
    }

    /** Runs the action with System.err (where slf4j-simple logs) captured; returns what was logged. */
    private static String logged(Supplier<TelnetConsole> action, TelnetConsole[] result) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            result[0] = action.get();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listensOnLoopbackLogsTheAddressAndClosesOnDeactivate() throws Exception {
        TelnetConsole[] console = new TelnetConsole[1];
        String log = logged(() -> new TelnetConsole(gogo.processor, config(Map.of("port", 0))), console);
        InetSocketAddress address = console[0].address();
        assertNotNull(address);
        assertTrue(address.getAddress().isLoopbackAddress());
        assertTrue(log.contains("telnet console on 127.0.0.1:" + address.getPort() + "\n"), log);
        try (TelnetClient c = new TelnetClient(address)) {
            c.untilPrompt();
            assertEquals("via component\n", c.run("echo via component"));
            console[0].deactivate();
            assertEquals("", c.rest());
        }
        assertThrows(ConnectException.class, () -> new TelnetClient(address).close());
    }

    @Test
    void disabledMeansNoListener() {
        TelnetConsole[] console = new TelnetConsole[1];
        String log = logged(() -> new TelnetConsole(gogo.processor, config(Map.of("enabled", false, "port", 0))), console);
        assertNull(console[0].address());
        assertTrue(log.contains("telnet console disabled (enabled=false in org.patchbay.shell.telnet)"), log);
        console[0].deactivate();
    }

    @Test
    void aNonLoopbackHostIsRefusedWithOneLineNamingTheKey() {
        TelnetConsole[] console = new TelnetConsole[1];
        String log = logged(() -> new TelnetConsole(gogo.processor, config(Map.of("host", "0.0.0.0", "port", 0))), console);
        assertNull(console[0].address());
        assertEquals(1, log.lines().count(), log);
        assertTrue(log.contains("org.patchbay.shell.telnet: host 0.0.0.0 is not a loopback address (set allow.remote=true"
                + " to listen on it: the console has no login); telnet console not started"), log);
        console[0].deactivate();
    }

    @Test
    void allowRemoteLetsANonLoopbackHostThrough() {
        // checked without binding: tests stay on 127.0.0.1
        TelnetServer.Settings s = TelnetConsole.settings(config(Map.of("host", "0.0.0.0", "allow_remote", true)));
        assertTrue(s.address().getAddress().isAnyLocalAddress());
        assertEquals(6666, s.address().getPort());
        assertEquals(8, s.maxSessions());
        assertEquals(1800, s.idleTimeout().toSeconds());
        assertTrue(TelnetConsole.settings(config(Map.of("host", "localhost"))).address().getAddress().isLoopbackAddress());
    }

    @Test
    void badValuesNameTheirKey() {
        assertEquals("port 70000 is not in 0-65535", message(Map.of("port", 70000)));
        assertEquals("max.sessions 0 is not in 1-64", message(Map.of("max_sessions", 0)));
        assertEquals("max.sessions 65 is not in 1-64", message(Map.of("max_sessions", 65)));
        assertEquals("idle.timeout.seconds -1 must not be negative", message(Map.of("idle_timeout_seconds", -1)));
        assertEquals("host 'no.such.host.invalid' cannot be resolved", message(Map.of("host", "no.such.host.invalid")));
    }

    private static String message(Map<String, Object> values) {
        return assertThrows(IllegalArgumentException.class, () -> TelnetConsole.settings(config(values))).getMessage();
    }

    @Test
    void aPortInUseIsOneErrorLineAndNoListener() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TelnetConsole[] console = new TelnetConsole[1];
            String log = logged(() -> new TelnetConsole(gogo.processor, config(Map.of("port", taken.getLocalPort()))), console);
            assertNull(console[0].address());
            assertEquals(1, log.lines().count(), log);
            assertTrue(log.contains("org.patchbay.shell.telnet: cannot listen on 127.0.0.1:" + taken.getLocalPort()), log);
            console[0].deactivate();
        }
    }
}
