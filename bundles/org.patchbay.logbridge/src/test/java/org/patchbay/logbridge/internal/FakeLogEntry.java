package org.patchbay.logbridge.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

/** A log entry as the Log Service would hand it to a listener. */
record FakeLogEntry(String loggerName, LogLevel logLevel, String message, Throwable exception) implements LogEntry {

    @Override public Bundle getBundle() { return null; }
    @Override public ServiceReference<?> getServiceReference() { return null; }
    @SuppressWarnings("deprecation")
    @Override public int getLevel() { return logLevel.ordinal(); }
    @Override public String getMessage() { return message; }
    @Override public Throwable getException() { return exception; }
    @Override public long getTime() { return 0L; }
    @Override public LogLevel getLogLevel() { return logLevel; }
    @Override public String getLoggerName() { return loggerName; }
    @Override public long getSequence() { return 0L; }
    @Override public String getThreadInfo() { return "test"; }
    @Override public StackTraceElement getLocation() { return null; }
}
