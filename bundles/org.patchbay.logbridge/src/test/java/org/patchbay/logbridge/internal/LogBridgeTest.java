package org.patchbay.logbridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.Logger;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.service.log.admin.LoggerContext;

class LogBridgeTest {

    private final FakeReader reader = new FakeReader();
    private final FakeContext root = new FakeContext(Map.of(Logger.ROOT_LOGGER_NAME, LogLevel.WARN, "x.y", LogLevel.ERROR));
    private final LoggerAdmin admin = name -> name == null ? root : null;

    @Test
    void activationOpensTheRootContextToDebugAndListens() {
        new LogBridge(reader, admin);

        assertEquals(LogLevel.DEBUG, root.levels.get(Logger.ROOT_LOGGER_NAME));
        assertEquals(LogLevel.ERROR, root.levels.get("x.y"), "other levels are kept");
        assertEquals(1, reader.listeners.size());
    }

    @Test
    void deactivationStopsForwardingAndRestoresLevels() {
        LogBridge bridge = new LogBridge(reader, admin);
        bridge.deactivate();

        assertTrue(reader.listeners.isEmpty());
        assertEquals(LogLevel.WARN, root.levels.get(Logger.ROOT_LOGGER_NAME));
    }

    private static final class FakeReader implements LogReaderService {
        final List<LogListener> listeners = new ArrayList<>();

        @Override public void addLogListener(LogListener listener) { listeners.add(listener); }
        @Override public void removeLogListener(LogListener listener) { listeners.remove(listener); }
        @Override public Enumeration<LogEntry> getLog() { throw new AssertionError("history must not be replayed"); }
    }

    private static final class FakeContext implements LoggerContext {
        Map<String, LogLevel> levels;

        FakeContext(Map<String, LogLevel> initial) { levels = new HashMap<>(initial); }

        @Override public String getName() { return null; }
        @Override public LogLevel getEffectiveLogLevel(String name) { return levels.get(name); }
        @Override public Map<String, LogLevel> getLogLevels() { return new HashMap<>(levels); }
        @Override public void setLogLevels(Map<String, LogLevel> logLevels) { levels = new HashMap<>(logLevels); }
        @Override public void clear() { levels.clear(); }
        @Override public boolean isEmpty() { return levels.isEmpty(); }
    }
}
