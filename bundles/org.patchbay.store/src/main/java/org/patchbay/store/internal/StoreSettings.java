package org.patchbay.store.internal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The store's validated settings: which database, where, and how large a pool. Built once from the
 * configuration ({@link #from}); everything after that trusts it. {@link #toString()} never shows
 * the password.
 */
record StoreSettings(Product product, String url, Path h2File, String user, String password,
        int poolMaxSize, int poolMinIdle, long connectionTimeoutMs) {

    /** The databases the store can run on, with the names {@code Database.product()} returns. */
    public enum Product {
        H2("H2"), POSTGRESQL("PostgreSQL");

        private final String displayName;

        Product(String displayName) {
            this.displayName = displayName;
        }

        public String displayName() {
            return displayName;
        }
    }

    static final String POSTGRESQL_PREFIX = "jdbc:postgresql:";
    static final int MAX_POOL_SIZE = 100;
    static final long MIN_CONNECTION_TIMEOUT_MS = 250; // HikariCP refuses less

    public StoreSettings {
        Objects.requireNonNull(product, "product");
        password = password == null ? "" : password;
    }

    /** Embedded H2 in {@code file} (H2 adds {@code .mv.db}) with the default pool. */
    public static StoreSettings h2(Path file) {
        return new StoreSettings(Product.H2, "", file.toAbsolutePath(), "", "", 8, 1, 5000);
    }

    /** PostgreSQL at {@code url} with the default pool. */
    public static StoreSettings postgresql(String url, String user, String password) {
        return new StoreSettings(Product.POSTGRESQL, url, null, user, password, 8, 1, 5000);
    }

    /**
     * Validates the configuration. An empty {@code url} selects embedded H2 in {@code h2Path}, or in
     * {@code <dataDir>/db/patchbay} when that is empty too.
     *
     * @throws IllegalArgumentException naming the key that is wrong
     */
    public static StoreSettings from(StoreComponent.Config config, Path dataDir) {
        String url = trim(config.url());
        int max = config.pool_maxSize();
        int minIdle = config.pool_minIdle();
        long timeout = config.pool_connectionTimeoutMs();
        if (max < 1 || max > MAX_POOL_SIZE) {
            throw new IllegalArgumentException("pool.maxSize must be 1.." + MAX_POOL_SIZE + ", got " + max);
        }
        if (minIdle < 0 || minIdle > max) {
            throw new IllegalArgumentException("pool.minIdle must be 0..pool.maxSize (" + max + "), got " + minIdle);
        }
        if (timeout < MIN_CONNECTION_TIMEOUT_MS) {
            throw new IllegalArgumentException(
                    "pool.connectionTimeoutMs must be at least " + MIN_CONNECTION_TIMEOUT_MS + ", got " + timeout);
        }
        if (url.isEmpty()) {
            String path = trim(config.h2_path());
            Path file = path.isEmpty() ? dataDir.resolve("db").resolve("patchbay") : Path.of(path);
            if (file.toString().contains(";")) {
                // H2 would read the rest of the path as URL settings
                throw new IllegalArgumentException("h2.path must not contain ';': " + file);
            }
            return new StoreSettings(Product.H2, "", file.toAbsolutePath(), "", "", max, minIdle, timeout);
        }
        if (!url.startsWith(POSTGRESQL_PREFIX)) {
            throw new IllegalArgumentException("url must be empty (embedded H2) or jdbc:postgresql://host[:port]/database,"
                    + " got " + redact(url));
        }
        String user = trim(config.user());
        if (user.isEmpty()) {
            throw new IllegalArgumentException("user must be set for PostgreSQL");
        }
        return new StoreSettings(Product.POSTGRESQL, url, null, user, config._password(), max, minIdle, timeout);
    }

    /** Where the data lives, fit for a log line: the H2 file, or the URL without its query string. */
    public String location() {
        return product == Product.H2 ? h2File + ".mv.db" : redact(url);
    }

    /** Cuts what might carry credentials (query string, user info) off a JDBC URL. */
    static String redact(String url) {
        String cut = url;
        int query = cut.indexOf('?');
        if (query >= 0) {
            cut = cut.substring(0, query);
        }
        int at = cut.lastIndexOf('@');
        int hosts = cut.indexOf("//");
        if (at >= 0 && hosts >= 0 && at > hosts) {
            cut = cut.substring(0, hosts + 2) + cut.substring(at + 1);
        }
        return cut;
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }

    @Override
    public String toString() {
        return "StoreSettings[" + product.displayName() + " at " + location()
                + (product == Product.POSTGRESQL ? " as " + user : "")
                + ", pool " + poolMinIdle + ".." + poolMaxSize + ", connectionTimeoutMs " + connectionTimeoutMs + "]";
    }
}
