package org.patchbay.store.internal;

import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one INFO line per migration as Flyway applies it. A callback rather than the migrate result,
 * because when a later script fails Flyway throws and the result, with the scripts applied before
 * the failure, is lost (its exception type is in a package the Flyway bundle does not export).
 */
final class MigrationLog implements Callback {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationLog.class);

    private final String module;
    private final String source;
    private long started;

    MigrationLog(String module, String source) {
        this.module = module;
        this.source = source;
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true; // runs no SQL
    }

    @Override
    public void handle(Event event, Context context) {
        if (event == Event.BEFORE_EACH_MIGRATE) {
            started = System.nanoTime();
            return;
        }
        MigrationInfo info = context.getMigrationInfo();
        String version = info.getVersion() == null ? "(repeatable)" : info.getVersion().getVersion();
        LOG.info("Store: module {} migrated to version {} ({}) from {} in {} ms", module, version,
                info.getDescription(), source, (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public String getCallbackName() {
        return "patchbay-migration-log";
    }
}
