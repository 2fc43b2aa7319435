package org.patchbay.core.internal.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.patchbay.api.event.DirectoryEvents;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Credential;
import org.patchbay.api.identity.DigestAlgorithm;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.identity.DirectoryException;
import org.patchbay.api.identity.DirectoryException.Reason;
import org.patchbay.api.identity.User;
import org.patchbay.api.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory on the node's relational store. Every mutation is one transaction; the realm of a
 * user's credentials is its domain.
 */
// immediate: open the store and migrate at boot, not on the first request
@Component(service = {Directory.class, HealthCheck.class}, property = HealthCheck.NAME + "=directory", immediate = true)
public final class JdbcDirectory implements Directory, HealthCheck {

    static final String MODULE = "directory";
    static final String SCRIPTS = "db/directory";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcDirectory.class);
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String USER_COLUMNS =
            "SELECT u.username, d.name, u.display_name, u.created FROM pb_user u JOIN pb_domain d ON d.id = u.domain_id ";

    private final DataSource dataSource;
    private final Clock clock;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin events;

    @Activate
    public JdbcDirectory(@Reference Database database, BundleContext context) {
        database.migrate(MODULE, context.getBundle(), SCRIPTS);
        this.dataSource = database.dataSource();
        this.clock = Clock.systemUTC();
    }

    JdbcDirectory(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public User create(Aor aor, String password, String displayName) {
        UserRules.checkPassword(aor, password);
        String name = UserRules.checkDisplayName(displayName);
        Map<DigestAlgorithm, String> ha1 = ha1s(aor, password);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        for (int attempt = 0;; attempt++) {
            try {
                transaction(c -> insertUser(c, aor, name, now, ha1));
                break;
            } catch (SQLException e) {
                if (!isUniqueViolation(e)) {
                    throw unavailable("create " + aor, e);
                }
                // two first users of one new domain raced on creating it: the retry finds it
                if (!e.getMessage().toLowerCase(Locale.ROOT).contains("pb_domain_name_uq") || attempt > 0) {
                    throw new DirectoryException(Reason.CONFLICT, "user " + aor + " exists");
                }
            }
        }
        LOG.info("user {} created", aor);
        post(DirectoryEvents.USER_CREATED, aor);
        return new User(aor, name, now);
    }

    @Override
    public void delete(Aor aor) {
        int rows = update("delete " + aor, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM pb_user WHERE id = ?")) {
                ps.setLong(1, userId(c, aor));
                return ps.executeUpdate();
            }
        });
        if (rows == 0) {
            throw notFound(aor);
        }
        LOG.info("user {} deleted", aor);
        post(DirectoryEvents.USER_DELETED, aor);
    }

    @Override
    public void setPassword(Aor aor, String password) {
        UserRules.checkPassword(aor, password);
        Map<DigestAlgorithm, String> ha1 = ha1s(aor, password);
        int rows = update("change password of " + aor, c -> {
            long id = userId(c, aor);
            if (id < 0) {
                return 0;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM pb_credential WHERE user_id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            insertCredentials(c, id, aor.domain(), ha1);
            return 1;
        });
        if (rows == 0) {
            throw notFound(aor);
        }
        LOG.info("password of {} changed", aor);
        post(DirectoryEvents.PASSWORD_CHANGED, aor);
    }

    @Override
    public Optional<User> find(Aor aor) {
        List<User> users = query("find " + aor, USER_COLUMNS + "WHERE d.name = ? AND u.username = ?",
                aor.domain(), aor.user());
        return users.stream().findFirst();
    }

    @Override
    public List<User> list(String filter) {
        if (filter == null || filter.isBlank()) {
            return query("list users", USER_COLUMNS + "ORDER BY d.name, u.username");
        }
        String like = "%" + escapeLike(filter.strip().toLowerCase(Locale.ROOT)) + "%";
        return query("list users", USER_COLUMNS
                + "WHERE LOWER(u.username || '@' || d.name) LIKE ? ESCAPE '!' OR LOWER(u.display_name) LIKE ? ESCAPE '!' "
                + "ORDER BY d.name, u.username", like, like);
    }

    @Override
    public Optional<Credential> credential(Aor aor, String realm, DigestAlgorithm algorithm) {
        String sql = "SELECT c.ha1 FROM pb_credential c JOIN pb_user u ON u.id = c.user_id "
                + "JOIN pb_domain d ON d.id = u.domain_id "
                + "WHERE d.name = ? AND u.username = ? AND c.realm = ? AND c.algorithm = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, aor.domain());
            ps.setString(2, aor.user());
            ps.setString(3, realm);
            ps.setString(4, algorithm.token());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Credential(aor, realm, algorithm, rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw unavailable("read credentials of " + aor, e);
        }
    }

    @Override
    public int count() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM pb_user");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw unavailable("count users", e);
        }
    }

    @Override
    public HealthResult check() {
        try {
            int users = count();
            return HealthResult.up("directory", users + (users == 1 ? " user" : " users"));
        } catch (DirectoryException e) {
            return HealthResult.down("directory", e.getMessage());
        }
    }

    private static Map<DigestAlgorithm, String> ha1s(Aor aor, String password) {
        Map<DigestAlgorithm, String> ha1 = new EnumMap<>(DigestAlgorithm.class);
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            ha1.put(a, Ha1.of(a, aor.user(), aor.domain(), password));
        }
        return ha1;
    }

    private static Void insertUser(Connection c, Aor aor, String name, Instant now, Map<DigestAlgorithm, String> ha1)
            throws SQLException {
        long domain = domainId(c, aor.domain(), now);
        long user;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO pb_user (domain_id, username, display_name, created) VALUES (?, ?, ?, ?)",
                new String[] {"id"})) {
            ps.setLong(1, domain);
            ps.setString(2, aor.user());
            ps.setString(3, name);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                user = keys.getLong(1);
            }
        }
        insertCredentials(c, user, aor.domain(), ha1);
        return null;
    }

    private static long domainId(Connection c, String domain, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM pb_domain WHERE name = ?")) {
            ps.setString(1, domain);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pb_domain (name, created) VALUES (?, ?)",
                new String[] {"id"})) {
            ps.setString(1, domain);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                LOG.info("domain {} created", domain);
                return keys.getLong(1);
            }
        }
    }

    private static void insertCredentials(Connection c, long user, String realm, Map<DigestAlgorithm, String> ha1)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO pb_credential (user_id, realm, algorithm, ha1) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<DigestAlgorithm, String> e : ha1.entrySet()) {
                ps.setLong(1, user);
                ps.setString(2, realm);
                ps.setString(3, e.getKey().token());
                ps.setString(4, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** @return the user's id, or -1 */
    private static long userId(Connection c, Aor aor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT u.id FROM pb_user u JOIN pb_domain d ON d.id = u.domain_id WHERE d.name = ? AND u.username = ?")) {
            ps.setString(1, aor.domain());
            ps.setString(2, aor.user());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private List<User> query(String what, String sql, String... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            List<User> users = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.add(new User(new Aor(rs.getString(1), rs.getString(2)), rs.getString(3),
                            rs.getTimestamp(4).toInstant()));
                }
            }
            return users;
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    private int update(String what, SqlWork<Integer> work) {
        try {
            return transaction(work);
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    private <T> T transaction(SqlWork<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private void post(String topic, Aor aor) {
        EventAdmin admin = events;
        if (admin != null) {
            admin.postEvent(new Event(topic, Map.of(DirectoryEvents.AOR, aor.toString())));
        }
    }

    private static boolean isUniqueViolation(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    private static String escapeLike(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static DirectoryException notFound(Aor aor) {
        return new DirectoryException(Reason.NOT_FOUND, "no user " + aor);
    }

    private static DirectoryException unavailable(String what, SQLException e) {
        LOG.error("directory: {} failed: {} (SQLState {})", what, e.getMessage(), e.getSQLState());
        return new DirectoryException(Reason.UNAVAILABLE, what + " failed: store unavailable", e);
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
