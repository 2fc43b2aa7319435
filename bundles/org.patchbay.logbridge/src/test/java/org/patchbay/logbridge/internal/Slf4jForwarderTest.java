package org.patchbay.logbridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.log.LogLevel;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.read.ListAppender;

class Slf4jForwarderTest {

    private static final String NAME = "org.patchbay.test.Component";
    private static final String FILEINSTALL = "LogService.org.apache.felix.fileinstall";

    private final Slf4jForwarder forwarder = new Slf4jForwarder();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger target;
    private Logger fileInstall;

    @BeforeEach
    void attach() {
        target = (Logger) LoggerFactory.getLogger(NAME);
        target.setLevel(Level.TRACE);
        appender.start();
        target.addAppender(appender);
        fileInstall = (Logger) LoggerFactory.getLogger(FILEINSTALL);
        fileInstall.addAppender(appender);
    }

    @AfterEach
    void detach() {
        target.detachAppender(appender);
        fileInstall.detachAppender(appender);
    }

    @Test
    void forwardsMessageLevelAndExceptionToTheLoggerOfTheSameName() {
        IllegalStateException failure = new IllegalStateException("boom");
        forwarder.logged(new FakeLogEntry(NAME, LogLevel.ERROR, "port 5060 in use", failure));

        ILoggingEvent event = single();
        assertEquals(NAME, event.getLoggerName());
        assertEquals(Level.ERROR, event.getLevel());
        assertEquals("port 5060 in use", event.getFormattedMessage());
        assertSame(failure, ((ThrowableProxy) event.getThrowableProxy()).getThrowable());
    }

    @Test
    void fileInstallParseFailureIsOneLineNamingFileAndReason() {
        Exception parse = new java.io.IOException("cannot read", new NumberFormatException("Value out of range. Value:\"8080\""));
        forwarder.logged(new FakeLogEntry(FILEINSTALL, LogLevel.ERROR,
                "Failed to install artifact: /opt/patchbay/conf/x.config", parse));

        ILoggingEvent event = single();
        assertEquals("Failed to install artifact: /opt/patchbay/conf/x.config: NumberFormatException: Value out of range. Value:\"8080\"",
                event.getFormattedMessage());
        assertNull(event.getThrowableProxy());
    }

    @Test
    void otherFailuresKeepTheirStackTrace() {
        forwarder.logged(new FakeLogEntry(FILEINSTALL, LogLevel.ERROR, "watcher died",
                new IllegalStateException("x")));
        assertEquals("watcher died", single().getFormattedMessage());
        assertNotNull(single().getThrowableProxy());
    }

    @Test
    void mapsEveryOsgiLevel() {
        List<LogLevel> osgi = List.of(LogLevel.TRACE, LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR);
        List<Level> expected = List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR);
        for (LogLevel level : osgi) {
            forwarder.logged(new FakeLogEntry(NAME, level, level.name(), null));
        }
        assertEquals(expected, appender.list.stream().map(ILoggingEvent::getLevel).toList());
    }

    @Test
    void auditGoesOutAtInfoWithAMarker() {
        forwarder.logged(new FakeLogEntry(NAME, LogLevel.AUDIT, "user added", null));

        ILoggingEvent event = single();
        assertEquals(Level.INFO, event.getLevel());
        assertEquals(List.of(Slf4jForwarder.AUDIT_MARKER), event.getMarkerList().stream().map(Marker::getName).toList());
    }

    @Test
    void braceInMessageIsNotTreatedAsAPattern() {
        forwarder.logged(new FakeLogEntry(NAME, LogLevel.WARN, "filter {} is odd", null));

        assertEquals("filter {} is odd", single().getFormattedMessage());
        assertNull(single().getThrowableProxy());
    }

    @Test
    void levelsBelowTheLogbackLevelAreDropped() {
        target.setLevel(Level.WARN);
        forwarder.logged(new FakeLogEntry(NAME, LogLevel.DEBUG, "chatty", null));
        assertTrue(appender.list.isEmpty());
    }

    @Test
    void entryWithoutLoggerNameUsesTheFallbackName() {
        assertEquals(Slf4jForwarder.FALLBACK_LOGGER,
                Slf4jForwarder.loggerName(new FakeLogEntry(null, LogLevel.INFO, "x", null)));
    }

    private ILoggingEvent single() {
        assertEquals(1, appender.list.size(), "forwarded events");
        return appender.list.get(0);
    }
}
