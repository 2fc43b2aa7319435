package org.patchbay.logbridge.internal;

import org.osgi.framework.Bundle;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Writes each OSGi {@link LogEntry} to the SLF4J logger of the same name at the matching level.
 * Levels are not filtered here: the SLF4J backend (logback, {@code conf/logback.xml}) decides.
 *
 * <p>Called on the Log Service's single delivery thread; holds no state, so it is thread-safe.
 * Nothing here touches SLF4J before the first entry arrives: SLF4J initialises (and logback reads
 * its configuration, a few hundred ms on a cold JVM) on that delivery thread, in parallel with the
 * rest of the boot, instead of on the framework's start-level thread.
 */
final class Slf4jForwarder implements LogListener {

    /** SLF4J has no AUDIT level: such entries go out at INFO with this marker, so a filter can keep them. */
    static final String AUDIT_MARKER = "AUDIT";

    /** Logger name for entries that carry none (pre-R7 callers never set one). */
    static final String FALLBACK_LOGGER = "osgi";

    /** FileInstall logs under {@code LogService.<bsn>} (pre-R7 LogService calls). */
    static final String FILEINSTALL = "org.apache.felix.fileinstall";

    @Override
    public void logged(LogEntry entry) {
        String name = loggerName(entry);
        Logger logger = LoggerFactory.getLogger(name);
        String message = String.valueOf(entry.getMessage());
        Throwable failure = entry.getException();
        if (failure != null && name.endsWith(FILEINSTALL) && message.startsWith("Failed to install artifact")) {
            // a file in conf/ or deploy/ it cannot read: the operator needs the file and the parser's
            // reason on one line, not the parser's stack trace
            message = message + ": " + reason(failure);
            failure = null;
        }
        LogLevel level = entry.getLogLevel() == null ? LogLevel.INFO : entry.getLogLevel();
        // (String, Throwable) overloads: the message is never treated as a format pattern.
        switch (level) {
            case AUDIT -> logger.info(audit(), message, failure);
            case ERROR -> logger.error(message, failure);
            case WARN -> logger.warn(message, failure);
            case INFO -> logger.info(message, failure);
            case DEBUG -> logger.debug(message, failure);
            case TRACE -> logger.trace(message, failure);
        }
    }

    static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root.getMessage();
        return root.getClass().getSimpleName() + (detail == null || detail.isBlank() ? "" : ": " + detail);
    }

    private static Marker audit() {
        return MarkerFactory.getMarker(AUDIT_MARKER);
    }

    static String loggerName(LogEntry entry) {
        String name = entry.getLoggerName();
        if (name != null && !name.isBlank()) {
            return name;
        }
        Bundle bundle = entry.getBundle();
        String bsn = bundle == null ? null : bundle.getSymbolicName();
        return bsn == null ? FALLBACK_LOGGER : bsn;
    }
}
