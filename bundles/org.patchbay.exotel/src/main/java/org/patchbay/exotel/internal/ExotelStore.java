package org.patchbay.exotel.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/** Accounts, user ownership and call resources over JDBC (H2 and PostgreSQL). Blocking; never on a call thread. */
final class ExotelStore {
    static final String MODULE = "exotel";
    static final String SCRIPTS = "db/exotel";

    private static final String CALL_COLUMNS = "sid, account_sid, call_id, from_number, to_number, caller_id, status, "
            + "date_created, date_updated, end_time, duration, status_callback, custom_field, callback_state, "
            + "callback_attempts";

    private final DataSource ds;

    ExotelStore(DataSource ds) {
        this.ds = ds;
    }

    // --- accounts ---------------------------------------------------------------------------------------------------

    void addAccount(Account a) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO pb_exotel_account (sid, name, api_key, token_hash, created) VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, a.sid());
            s.setString(2, a.name());
            s.setString(3, a.apiKey());
            s.setString(4, a.tokenHash());
            s.setTimestamp(5, Timestamp.from(a.created()));
            s.executeUpdate();
        }
    }

    boolean removeAccount(String sid) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement u = c.prepareStatement("DELETE FROM pb_exotel_user WHERE account_sid = ?");
                    PreparedStatement a = c.prepareStatement("DELETE FROM pb_exotel_account WHERE sid = ?")) {
                u.setString(1, sid);
                u.executeUpdate();
                a.setString(1, sid);
                boolean gone = a.executeUpdate() > 0;
                c.commit();
                return gone;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    Optional<Account> account(String sid) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT sid, name, api_key, token_hash, created FROM pb_exotel_account WHERE sid = ?")) {
            s.setString(1, sid);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(account(r)) : Optional.empty();
            }
        }
    }

    List<Account> accounts() throws SQLException {
        List<Account> list = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT sid, name, api_key, token_hash, created FROM pb_exotel_account ORDER BY sid");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                list.add(account(r));
            }
        }
        return list;
    }

    private static Account account(ResultSet r) throws SQLException {
        return new Account(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                r.getTimestamp(5).toInstant());
    }

    // --- users --------------------------------------------------------------------------------------------------------

    void addUser(String accountSid, String aor, Instant now) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO pb_exotel_user (aor, account_sid, created) VALUES (?, ?, ?)")) {
            s.setString(1, aor);
            s.setString(2, accountSid);
            s.setTimestamp(3, Timestamp.from(now));
            s.executeUpdate();
        }
    }

    boolean removeUser(String accountSid, String aor) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "DELETE FROM pb_exotel_user WHERE aor = ? AND account_sid = ?")) {
            s.setString(1, aor);
            s.setString(2, accountSid);
            return s.executeUpdate() > 0;
        }
    }

    /** The account owning {@code aor}, if any. */
    Optional<String> owner(String aor) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT account_sid FROM pb_exotel_user WHERE aor = ?")) {
            s.setString(1, aor);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    /** {@code [aor, account sid]} pairs, of one account or (null) of all, ordered by account then user. */
    List<String[]> users(String accountSid) throws SQLException {
        String sql = "SELECT aor, account_sid FROM pb_exotel_user"
                + (accountSid == null ? "" : " WHERE account_sid = ?") + " ORDER BY account_sid, aor";
        List<String[]> list = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            if (accountSid != null) {
                s.setString(1, accountSid);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    list.add(new String[] {r.getString(1), r.getString(2)});
                }
            }
        }
        return list;
    }

    // --- calls --------------------------------------------------------------------------------------------------------

    void insertCall(CallResource r) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO pb_exotel_call (" + CALL_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, r.sid());
            s.setString(2, r.accountSid());
            s.setString(3, r.callId());
            s.setString(4, r.from());
            s.setString(5, r.to());
            s.setString(6, r.callerId());
            s.setString(7, r.status());
            s.setTimestamp(8, Timestamp.from(r.dateCreated()));
            s.setTimestamp(9, Timestamp.from(r.dateUpdated()));
            setTime(s, 10, r.endTime());
            setInt(s, 11, r.duration());
            s.setString(12, r.statusCallback());
            s.setString(13, r.customField());
            s.setString(14, r.callbackState());
            s.setInt(15, r.callbackAttempts());
            s.executeUpdate();
        }
    }

    /** Writes the mutable columns of a call: call id, status, times, callback progress. */
    void updateCall(CallResource r) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE pb_exotel_call SET call_id = ?, status = ?, date_updated = ?, end_time = ?, duration = ?, "
                        + "callback_state = ?, callback_attempts = ? WHERE sid = ?")) {
            s.setString(1, r.callId());
            s.setString(2, r.status());
            s.setTimestamp(3, Timestamp.from(r.dateUpdated()));
            setTime(s, 4, r.endTime());
            setInt(s, 5, r.duration());
            s.setString(6, r.callbackState());
            s.setInt(7, r.callbackAttempts());
            s.setString(8, r.sid());
            s.executeUpdate();
        }
    }

    Optional<CallResource> call(String sid) throws SQLException {
        List<CallResource> l = calls("WHERE sid = ?", sid, 1);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    List<CallResource> openCalls() throws SQLException {
        return calls("WHERE status IN ('queued', 'ringing', 'in-progress')", null, 10_000);
    }

    List<CallResource> pendingCallbacks() throws SQLException {
        return calls("WHERE callback_state = 'pending'", null, 1_000);
    }

    List<CallResource> recentCalls(int limit) throws SQLException {
        return calls("", null, limit);
    }

    private List<CallResource> calls(String where, String arg, int limit) throws SQLException {
        List<CallResource> list = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT " + CALL_COLUMNS + " FROM pb_exotel_call " + where + " ORDER BY date_created DESC, sid")) {
            s.setMaxRows(limit);
            if (arg != null) {
                s.setString(1, arg);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Timestamp end = r.getTimestamp(10);
                    int d = r.getInt(11);
                    Integer duration = r.wasNull() ? null : d;
                    list.add(new CallResource(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                            r.getString(5), r.getString(6), r.getString(7), r.getTimestamp(8).toInstant(),
                            r.getTimestamp(9).toInstant(), end == null ? null : end.toInstant(), duration,
                            r.getString(12), r.getString(13), r.getString(14), r.getInt(15)));
                }
            }
        }
        return list;
    }

    private static void setTime(PreparedStatement s, int i, Instant t) throws SQLException {
        if (t == null) {
            s.setNull(i, Types.TIMESTAMP);
        } else {
            s.setTimestamp(i, Timestamp.from(t));
        }
    }

    private static void setInt(PreparedStatement s, int i, Integer v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.INTEGER);
        } else {
            s.setInt(i, v);
        }
    }
}
