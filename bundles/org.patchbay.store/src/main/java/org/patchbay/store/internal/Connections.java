package org.patchbay.store.internal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Builds the JDBC driver's own DataSource and the HikariCP pool over it. The driver DataSource is
 * created directly rather than named as a driver class for Hikari to load, because in OSGi the
 * pool's bundle cannot see the driver bundles' classes.
 */
final class Connections {

    static final String POOL_NAME = "patchbay-store";

    /** H2 error code for "database may be already in use" (a file lock held by another process). */
    static final int H2_DATABASE_ALREADY_OPEN = 90020;

    /**
     * H2 URL settings.
     * <ul>
     * <li>WRITE_DELAY=0: with the MVStore (H2 2.x) this sets the store's auto-commit delay to 0, and
     * H2 then writes the store to the file inside every COMMIT instead of up to a second later from a
     * background thread, so an acknowledged commit survives a killed process (not a power cut: H2
     * does not fsync on commit).</li>
     * <li>FILE_LOCK=FS: an OS lock on the .mv.db file, so a second process (another node on the same
     * data directory) is refused; the kernel drops it when the holder dies, even by SIGKILL, and it
     * needs no watchdog thread, unlike FILE.</li>
     * <li>DB_CLOSE_ON_EXIT=FALSE: no JVM shutdown hook of H2's; the store closes the database itself
     * when the component deactivates.</li>
     * <li>DB_CLOSE_DELAY=-1: keep the database open while the pool churns connections; closed by the
     * explicit SHUTDOWN in {@link #shutdownH2}.</li>
     * </ul>
     */
    static final String H2_SETTINGS = ";WRITE_DELAY=0;FILE_LOCK=FS;DB_CLOSE_ON_EXIT=FALSE;DB_CLOSE_DELAY=-1";

    private static final String H2_USER = "sa";
    private static final long VALIDATION_TIMEOUT_MS = 500;

    private Connections() {
    }

    /** The driver's DataSource: unpooled, each getConnection() opens a new session. */
    static DataSource driverDataSource(StoreSettings settings) {
        return switch (settings.product()) {
            case H2 -> h2(settings);
            case POSTGRESQL -> postgresql(settings);
        };
    }

    /**
     * Opens the pool and one connection to prove the database is there.
     *
     * @throws IllegalStateException saying why the database cannot be opened
     */
    static HikariDataSource pool(StoreSettings settings, DataSource driver) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(POOL_NAME);
        config.setDataSource(driver);
        config.setMaximumPoolSize(settings.poolMaxSize());
        config.setMinimumIdle(settings.poolMinIdle());
        config.setConnectionTimeout(settings.connectionTimeoutMs());
        config.setValidationTimeout(Math.min(VALIDATION_TIMEOUT_MS, settings.connectionTimeoutMs() - 1));
        config.setInitializationFailTimeout(1); // fail activation at once, with the reason, if the database is not there
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw cannotOpen(settings, e);
        }
    }

    /** Closes an embedded H2 database so its file is released; a no-op for PostgreSQL. */
    static void shutdownH2(StoreSettings settings, DataSource driver) throws SQLException {
        if (settings.product() != StoreSettings.Product.H2) {
            return;
        }
        try (Connection c = driver.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        }
    }

    static IllegalStateException cannotOpen(StoreSettings settings, Throwable e) {
        SQLException sql = sqlCause(e);
        if (settings.product() == StoreSettings.Product.H2 && sql != null
                && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
            return new IllegalStateException("H2 database " + settings.location() + " is locked by another process"
                    + " (another Patchbay node on the same data directory?): stop it, or give this node its own"
                    + " patchbay.data or h2.path", e);
        }
        String reason = firstLine(sql != null ? sql.getMessage() : e.getMessage());
        return new IllegalStateException("Cannot open " + settings.product().displayName() + " database at "
                + settings.location() + ": " + reason, e);
    }

    static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }

    private static DataSource h2(StoreSettings settings) {
        createPrivateDirectory(settings.h2File().getParent());
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + settings.h2File() + H2_SETTINGS);
        ds.setUser(H2_USER);
        ds.setPassword("");
        return ds;
    }

    private static DataSource postgresql(StoreSettings settings) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        try {
            ds.setUrl(settings.url());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("url is not a valid PostgreSQL JDBC URL: " + settings.location(), e);
        }
        ds.setUser(settings.user());
        if (!settings.password().isEmpty()) {
            ds.setPassword(settings.password());
        }
        ds.setApplicationName("patchbay");
        int seconds = (int) Math.max(1, TimeUnit.MILLISECONDS.toSeconds(settings.connectionTimeoutMs()));
        ds.setConnectTimeout(seconds);
        ds.setLoginTimeout(seconds);
        ds.setTcpKeepAlive(true);
        return ds;
    }

    /** The database holds credentials (HA1 values): only the node's user may read the directory. */
    private static void createPrivateDirectory(Path dir) {
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the database directory " + dir + ": " + e, e);
        }
    }
}
