package org.patchbay.logbridge.internal;

import java.util.HashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.Logger;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.service.log.admin.LoggerContext;

/**
 * Bridges the OSGi Log Service to SLF4J/logback, so that the framework, SCR, ConfigAdmin, FileInstall
 * and every bundle that logs through OSGi end up in the same files and with the same levels as
 * code that uses SLF4J directly.
 *
 * <p>The OSGi root logger context is opened to DEBUG (the OSGi default is WARN): filtering is left
 * to logback, whose levels can be changed in {@code conf/logback.xml} without a restart. Only entries
 * logged after activation are forwarded; the Log Service's history is not replayed. The previous
 * root levels are restored on deactivation.
 */
@Component(immediate = true)
public final class LogBridge {

    static final LogLevel OSGI_ROOT_LEVEL = LogLevel.DEBUG;

    private final LogReaderService reader;
    private final LoggerContext rootContext;
    private final Map<String, LogLevel> previousLevels;
    private final LogListener forwarder = new Slf4jForwarder();

    @Activate
    public LogBridge(@Reference LogReaderService reader, @Reference LoggerAdmin admin) {
        this.reader = reader;
        this.rootContext = admin.getLoggerContext(null);
        this.previousLevels = rootContext.getLogLevels();
        Map<String, LogLevel> levels = new HashMap<>(previousLevels);
        levels.put(Logger.ROOT_LOGGER_NAME, OSGI_ROOT_LEVEL);
        rootContext.setLogLevels(levels);
        reader.addLogListener(forwarder);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(forwarder);
        rootContext.setLogLevels(previousLevels);
    }
}
