package org.patchbay.core.internal.call;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.patchbay.api.call.CallRecord;

/** Call records on the relational store (tables {@code pb_call}, {@code pb_call_leg}). Blocking JDBC. */
final class CdrStore {
    static final String MODULE = "calls";
    static final String SCRIPTS = "db/calls";

    private static final String COLUMNS =
            "SELECT id, caller, callee, started, answered, ended, end_reason, ended_by, code FROM pb_call ";

    private final DataSource dataSource;

    CdrStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Writes the records in one transaction. */
    void write(List<CallRecord> records) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement call = c.prepareStatement("INSERT INTO pb_call (id, caller, callee, started, answered, "
                    + "ended, duration_ms, end_reason, ended_by, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                    PreparedStatement leg = c.prepareStatement("INSERT INTO pb_call_leg (call_id, seq, leg_id, adapter, "
                            + "party, role, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (CallRecord r : records) {
                    call.setString(1, r.id());
                    call.setString(2, cut(r.caller(), 512));
                    call.setString(3, cut(r.callee(), 512));
                    call.setTimestamp(4, Timestamp.from(r.started()));
                    call.setTimestamp(5, r.answered() == null ? null : Timestamp.from(r.answered()));
                    call.setTimestamp(6, Timestamp.from(r.ended()));
                    call.setLong(7, r.duration().toMillis());
                    call.setString(8, cut(r.endReason(), 32));
                    call.setString(9, cut(r.endedBy(), 16));
                    call.setInt(10, r.code());
                    call.addBatch();
                    int seq = 0;
                    for (CallRecord.LegRecord l : r.legs()) {
                        leg.setString(1, r.id());
                        leg.setInt(2, seq++);
                        leg.setString(3, cut(l.id(), 80));
                        leg.setString(4, cut(l.adapter(), 32));
                        leg.setString(5, cut(l.party(), 512));
                        leg.setString(6, cut(l.role(), 16));
                        leg.setString(7, cut(l.outcome(), 128));
                        leg.addBatch();
                    }
                }
                call.executeBatch();
                leg.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    List<CallRecord> recent(int limit) throws SQLException {
        return query(COLUMNS + "ORDER BY ended DESC, id DESC FETCH FIRST " + Math.max(0, limit) + " ROWS ONLY");
    }

    Optional<CallRecord> find(String id) throws SQLException {
        return query(COLUMNS + "WHERE id = ?", id).stream().findFirst();
    }

    long count() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM pb_call");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<CallRecord> query(String sql, String... args) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Map<String, Object[]> rows = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setString(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.put(rs.getString(1), new Object[] {rs.getString(2), rs.getString(3), instant(rs, 4),
                            instant(rs, 5), instant(rs, 6), rs.getString(7), rs.getString(8), rs.getInt(9)});
                    }
                }
            }
            Map<String, List<CallRecord.LegRecord>> legs = legs(c, rows.keySet());
            List<CallRecord> records = new ArrayList<>();
            rows.forEach((id, v) -> records.add(new CallRecord(id, (String) v[0], (String) v[1],
                    legs.getOrDefault(id, List.of()), (Instant) v[2], (Instant) v[3], (Instant) v[4], (String) v[5],
                    (String) v[6], (Integer) v[7])));
            return records;
        }
    }

    private static Map<String, List<CallRecord.LegRecord>> legs(Connection c, java.util.Set<String> ids)
            throws SQLException {
        Map<String, List<CallRecord.LegRecord>> legs = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return legs;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT call_id, leg_id, adapter, party, role, outcome "
                + "FROM pb_call_leg WHERE call_id IN (" + marks + ") ORDER BY call_id, seq")) {
            int i = 1;
            for (String id : ids) {
                ps.setString(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    legs.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new CallRecord.LegRecord(
                            rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
                }
            }
        }
        return legs;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static String cut(String s, int max) {
        String v = s == null ? "" : s;
        return v.length() <= max ? v : v.substring(0, max);
    }
}
