package org.patchbay.jainsip.logging;

import gov.nist.core.StackLogger;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jain-sip stack logger, writing to SLF4J logger {@code gov.nist.javax.sip}. The stack loads this class by name from
 * the {@code gov.nist.javax.sip.STACK_LOGGER} property, which is why it lives in the wrapper bundle.
 */
public final class Slf4jStackLogger implements StackLogger {

    private static final Logger LOG = LoggerFactory.getLogger("gov.nist.javax.sip");

    /**
     * Warnings the stack gives at every start that only describe its defaults (TLS policy, no keystore when TLS is off):
     * logged at debug so the console shows real problems only.
     */
    private static final String[] ROUTINE_WARNINGS = {
        "using default tls security policy",
        "Using default keystore type",
        "Using default truststore type",
        "TLS server settings will be inactive",
        "TLS trust settings will be inactive",
        // AGGRESSIVE_CLEANUP drops a transaction's parsed request; reading it again re-parses (rare, harmless)
        "reparsing original request",
    };

    private volatile boolean enabled = true;

    @Override
    public void logStackTrace() {
        logStackTrace(TRACE_DEBUG);
    }

    @Override
    public void logStackTrace(int level) {
        if (isLoggingEnabled(level)) {
            LOG.debug("stack trace", new Throwable("stack trace requested by jain-sip"));
        }
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void logException(Throwable ex) {
        if (enabled) {
            // mostly network trouble (a peer gone, a refused connection): one line, the trace at debug
            if (isShutdownNoise(ex)) {
                LOG.debug("jain-sip: {}", String.valueOf(ex), ex);
            } else {
                LOG.warn("jain-sip: {}", String.valueOf(ex));
                LOG.debug("jain-sip: trace", ex);
            }
        }
    }

    @Override
    public void logDebug(String message) {
        if (enabled) {
            LOG.debug(message);
        }
    }

    @Override
    public void logDebug(String message, Exception ex) {
        if (enabled) {
            LOG.debug(message, ex);
        }
    }

    @Override
    public void logTrace(String message) {
        if (enabled) {
            LOG.trace(message);
        }
    }

    @Override
    public void logFatalError(String message) {
        if (enabled) {
            LOG.error(message);
        }
    }

    @Override
    public void logError(String message) {
        if (enabled) {
            LOG.error(message);
        }
    }

    @Override
    public void logError(String message, Exception ex) {
        if (enabled) {
            if (isShutdownNoise(ex)) {
                LOG.debug(message, ex);
            } else {
                // one line naming what went wrong (e.g. a response to a Via host that does not resolve); trace at debug
                LOG.error("jain-sip: {}: {}", message, String.valueOf(ex));
                LOG.debug(message, ex);
            }
        }
    }

    /** What the stack's threads report while it stops (interrupted waits, cancelled selector keys): not errors. */
    public static boolean isShutdownNoise(Throwable ex) {
        return ex instanceof InterruptedException || ex instanceof java.nio.channels.CancelledKeyException
                || ex instanceof java.nio.channels.ClosedSelectorException;
    }

    @Override
    public void logWarning(String message) {
        if (enabled) {
            if (isRoutine(message)) {
                LOG.debug(message);
            } else {
                LOG.warn(message);
            }
        }
    }

    /** True for the warnings logged at debug instead (public for tests). */
    public static boolean isRoutine(String message) {
        if (message == null) {
            return false;
        }
        for (String r : ROUTINE_WARNINGS) {
            if (message.startsWith(r)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void logInfo(String message) {
        if (enabled) {
            LOG.info(message);
        }
    }

    @Override
    public boolean isLoggingEnabled() {
        return enabled;
    }

    /** The stack guards expensive message formatting with this, so it must be cheap and honest. */
    @Override
    public boolean isLoggingEnabled(int level) {
        if (!enabled) {
            return false;
        }
        if (level >= TRACE_TRACE) {
            return LOG.isTraceEnabled();
        }
        if (level >= TRACE_DEBUG) {
            return LOG.isDebugEnabled();
        }
        if (level >= TRACE_INFO) {
            return LOG.isInfoEnabled();
        }
        if (level >= TRACE_WARN) {
            return LOG.isWarnEnabled();
        }
        return level > TRACE_NONE && LOG.isErrorEnabled();
    }

    @Override
    public void disableLogging() {
        enabled = false;
    }

    @Override
    public void enableLogging() {
        enabled = true;
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        LOG.debug("jain-sip build {}", buildTimeStamp);
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        // nothing to configure: levels come from the logging backend
    }

    @Override
    public String getLoggerName() {
        return LOG.getName();
    }
}
