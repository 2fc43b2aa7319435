package org.patchbay.store.internal;

import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.logging.LogFactory;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Flyway for one module at a time, each module with its own history table
 * ({@code flyway_history_<module>}) in the connection's default schema, which all modules share.
 *
 * <p>Because the schema is shared, a module that migrates for the first time usually finds it
 * non-empty (other modules' tables), which Flyway refuses without a baseline. Each new history table
 * therefore starts with a baseline at version 0, and every script must have a version of 1 or more
 * (checked by {@link ScriptResources}), so the baseline never skips one.
 */
final class Migrator {

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
    private static final Pattern MODULE = Pattern.compile("[a-z][a-z0-9_]{0,30}");
    static final String HISTORY_TABLE_PREFIX = "flyway_history_";

    /**
     * Flyway's "auto" logging looks for an SLF4J 1 binding or an SLF4J 2 provider through its own
     * class loader; in OSGi it sees neither (the provider lives in logback's bundle) and falls back to
     * java.util.logging on the console. Name SLF4J explicitly whenever Flyway's bundle can load the
     * API (it imports org.slf4j [1.6,2), which slf4j-api 2 also exports as 1.7.36).
     */
    private static final String[] LOGGERS = flywayCanLoad("org.slf4j.Logger") ? new String[] {"slf4j"}
            : new String[] {"auto"};

    private final DataSource dataSource;

    Migrator(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @throws IllegalArgumentException unless {@code module} matches {@code [a-z][a-z0-9_]{0,30}} */
    static String checkModule(String module) {
        if (module == null || !MODULE.matcher(module).matches()) {
            throw new IllegalArgumentException("Module name must match [a-z][a-z0-9_]{0,30}, got "
                    + (module == null ? "null" : "'" + module + "'"));
        }
        return module;
    }

    /**
     * Applies the scripts of {@code source} that the module's history does not have yet.
     *
     * @return the migrations applied now (empty when the schema was up to date)
     * @throws IllegalStateException naming the module, the source and what failed
     */
    List<MigrateOutput> migrate(String module, ScriptSource source) {
        checkModule(module);
        ScriptResources scripts = new ScriptResources(source);
        try {
            MigrateResult result = flyway(module, scripts, source).migrate();
            LOG.debug("Store: module {} at version {} ({} scripts in {})",
                    module, result.targetSchemaVersion, scripts.names().size(), source.describe());
            return List.copyOf(result.migrations);
        } catch (FlywayException e) {
            throw new IllegalStateException("Schema migration of module " + module + " from " + source.describe()
                    + " failed: " + summary(e), e);
        } catch (ServiceConfigurationError | LinkageError e) {
            // Flyway 9.22 links its plugins against Gson (flyway/flyway#3672) but its bundle does not import it
            throw new IllegalStateException("Flyway cannot run here (" + e + "); bundle org.flywaydb.core needs Gson:"
                    + " install the fragment that imports com.google.gson (see the org.patchbay.store README)", e);
        } finally {
            forgetConfiguration();
        }
    }

    private Flyway flyway(String module, ScriptResources scripts, ScriptSource source) {
        return Flyway.configure(Migrator.class.getClassLoader())
                .loggers(LOGGERS)
                .dataSource(dataSource)
                .table(HISTORY_TABLE_PREFIX + module)
                .resourceProvider(scripts)
                .javaMigrationClassProvider(List::of)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("history of module " + module + " starts")
                .skipDefaultCallbacks(true)
                .callbacks(new MigrationLog(module, source.describe()))
                .placeholderReplacement(false)
                .validateMigrationNaming(true)
                .cleanDisabled(true)
                .load();
    }

    /**
     * Flyway's LogFactory keeps the last Flyway configuration in a static field, which would pin this
     * store's data source, scripts and class loader after the component is gone or the bundle
     * updated. Replace it with an empty configuration on Flyway's own class loader.
     */
    private static void forgetConfiguration() {
        try {
            LogFactory.setConfiguration(Flyway.configure(Flyway.class.getClassLoader()).loggers(LOGGERS));
        } catch (RuntimeException | LinkageError e) { // Flyway unusable: the caller already gets the reason
            LOG.debug("Store: could not reset Flyway's logging configuration", e);
        }
    }

    private static boolean flywayCanLoad(String className) {
        try {
            Class.forName(className, false, Flyway.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Flyway's message spans many lines with rulers; keep the lines that say something. */
    static String summary(FlywayException e) {
        StringBuilder out = new StringBuilder();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        for (String line : message.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.chars().allMatch(c -> c == '-')) {
                continue;
            }
            if (out.length() > 0) {
                out.append(" | ");
            }
            out.append(trimmed.replaceAll("\\s+", " "));
        }
        return out.toString();
    }
}
