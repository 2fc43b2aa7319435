package org.patchbay.core.internal.call;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
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
                            + "party, role, outcome, codec, packets_in, bytes_in, packets_out, bytes_out, lost, "
                            + "jitter_ms, rtt_ms, srtp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
                        media(leg, l.media());
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

    /** Parameters 8..16 of the leg insert: the leg's media statistics, or NULLs. */
    private static void media(PreparedStatement leg, CallRecord.LegMedia m) throws SQLException {
        if (m == null) {
            leg.setNull(8, Types.VARCHAR);
            for (int i = 9; i <= 13; i++) {
                leg.setNull(i, Types.BIGINT);
            }
            leg.setNull(14, Types.DOUBLE);
            leg.setNull(15, Types.DOUBLE);
            leg.setNull(16, Types.BOOLEAN);
            return;
        }
        leg.setString(8, cut(m.codec(), 64));
        leg.setLong(9, m.packetsIn());
        leg.setLong(10, m.bytesIn());
        leg.setLong(11, m.packetsOut());
        leg.setLong(12, m.bytesOut());
        leg.setLong(13, m.lost());
        leg.setDouble(14, finite(m.jitterMs()));
        leg.setDouble(15, finite(m.rttMs()));
        leg.setBoolean(16, m.srtp());
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : -1;
    }

    /** Columns 7..15 of the leg query: the media statistics, or null when the leg had none. */
    private static CallRecord.LegMedia media(ResultSet rs) throws SQLException {
        long packetsIn = rs.getLong(8);
        if (rs.wasNull()) {
            return null;
        }
        return new CallRecord.LegMedia(rs.getString(7), packetsIn, rs.getLong(9), rs.getLong(10), rs.getLong(11),
                rs.getLong(12), rs.getDouble(13), rs.getDouble(14), rs.getBoolean(15));
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
        try (PreparedStatement ps = c.prepareStatement("SELECT call_id, leg_id, adapter, party, role, outcome, "
                + "codec, packets_in, bytes_in, packets_out, bytes_out, lost, jitter_ms, rtt_ms, srtp "
                + "FROM pb_call_leg WHERE call_id IN (" + marks + ") ORDER BY call_id, seq")) {
            int i = 1;
            for (String id : ids) {
                ps.setString(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    CallRecord.LegMedia media = media(rs);
                    legs.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new CallRecord.LegRecord(
                            rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            media));
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
