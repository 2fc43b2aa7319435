package org.patchbay.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;
import org.patchbay.api.store.Database;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * Health check {@code store}: borrows a pooled connection and asks the driver whether it is valid.
 * The probe runs on a thread of its own so a hung database (a PostgreSQL server that stopped
 * answering) cannot hold the caller past {@link #TIMEOUT_MS}; callers arriving while a probe is
 * still under way wait for that same probe rather than piling up new ones.
 */
@Component(service = HealthCheck.class, property = HealthCheck.NAME + "=" + StoreHealthCheck.NAME)
public final class StoreHealthCheck implements HealthCheck {

    static final String NAME = "store";
    static final long TIMEOUT_MS = 500;
    private static final int VALID_SECONDS = 1; // JDBC's isValid takes whole seconds

    private final Database database;
    private final ExecutorService prober = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "patchbay-store-health");
        t.setDaemon(true);
        return t;
    });
    private Future<HealthResult> pending;

    @Activate
    public StoreHealthCheck(@Reference Database database) {
        this.database = database;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        prober.shutdownNow();
        prober.awaitTermination(2, TimeUnit.SECONDS);
    }

    @Override
    public HealthResult check() {
        Future<HealthResult> probe;
        try {
            probe = currentProbe();
        } catch (RuntimeException e) { // rejected after deactivate
            return HealthResult.down(NAME, "health check stopped");
        }
        try {
            return probe.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return HealthResult.down(NAME, database.product() + ": no valid connection within " + TIMEOUT_MS + " ms"
                    + poolState());
        } catch (ExecutionException e) {
            return HealthResult.down(NAME, database.product() + ": " + Connections.firstLine(e.getCause().toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthResult.down(NAME, "interrupted");
        }
    }

    private synchronized Future<HealthResult> currentProbe() {
        if (pending == null || pending.isDone()) {
            pending = prober.submit(this::probe);
        }
        return pending;
    }

    private HealthResult probe() {
        try (Connection c = database.dataSource().getConnection()) {
            if (!c.isValid(VALID_SECONDS)) {
                return HealthResult.down(NAME, database.product() + ": connection not valid" + poolState());
            }
            return HealthResult.up(NAME, database.product() + poolState());
        } catch (SQLException e) {
            return HealthResult.down(NAME, database.product() + ": " + Connections.firstLine(e.getMessage())
                    + poolState());
        }
    }

    private String poolState() {
        if (database.dataSource() instanceof HikariDataSource pool && !pool.isClosed()) {
            HikariPoolMXBean bean = pool.getHikariPoolMXBean();
            if (bean != null) {
                return ", pool " + bean.getActiveConnections() + " active, " + bean.getIdleConnections() + " idle of "
                        + pool.getMaximumPoolSize() + ", " + bean.getThreadsAwaitingConnection() + " waiting";
            }
        }
        return "";
    }
}
