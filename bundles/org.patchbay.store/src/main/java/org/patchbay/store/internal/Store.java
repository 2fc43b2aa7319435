package org.patchbay.store.internal;

import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.flywaydb.core.api.output.MigrateOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

/**
 * An open database: the pool plus migrations. A plain object so tests can use it without OSGi;
 * {@link StoreComponent} owns one per activation.
 */
final class Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    private final StoreSettings settings;
    private final DataSource driver;
    private final HikariDataSource pool;
    private final Migrator migrator;

    private Store(StoreSettings settings, DataSource driver, HikariDataSource pool) {
        this.settings = settings;
        this.driver = driver;
        this.pool = pool;
        this.migrator = new Migrator(pool);
    }

    /**
     * Opens the database (creating an embedded one on first use) and its pool.
     *
     * @throws IllegalStateException saying why the database cannot be opened
     */
    static Store open(StoreSettings settings) {
        long start = System.nanoTime();
        DataSource driver = Connections.driverDataSource(settings);
        HikariDataSource pool = Connections.pool(settings, driver);
        LOG.info("Store: {} database at {} open in {} ms (pool {}..{})", settings.product().displayName(),
                settings.location(), (System.nanoTime() - start) / 1_000_000, settings.poolMinIdle(),
                settings.poolMaxSize());
        return new Store(settings, driver, pool);
    }

    DataSource dataSource() {
        return pool;
    }

    StoreSettings settings() {
        return settings;
    }

    /** Serialized: two bundles migrating at once would only contend for the same history locks. */
    synchronized List<MigrateOutput> migrate(String module, ScriptSource scripts) {
        if (pool.isClosed()) {
            throw new IllegalStateException("Store is closed; cannot migrate module " + module);
        }
        return migrator.migrate(module, scripts);
    }

    /** Closes the pool (its threads end) and, for H2, the database file. Idempotent. */
    @Override
    public synchronized void close() {
        if (pool.isClosed()) {
            return;
        }
        pool.close();
        try {
            Connections.shutdownH2(settings, driver);
        } catch (SQLException e) {
            LOG.warn("Store: closing H2 database {} failed: {}", settings.location(), Connections.firstLine(e.getMessage()));
        }
        LOG.info("Store: {} database at {} closed", settings.product().displayName(), settings.location());
    }
}
