package org.patchbay.messaging.internal.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.patchbay.api.identity.Aor;
import org.patchbay.api.messaging.Delivery;
import org.patchbay.api.messaging.DeliveryStatus;
import org.patchbay.api.messaging.Message;
import org.patchbay.api.messaging.MessageStatus;

/**
 * Messages and their per-device deliveries on the relational store (tables {@code pb_message}, {@code pb_message_delivery};
 * module {@code messaging}). Blocking JDBC; every write is one committed transaction, so what a method returned is in the
 * database file.
 */
final class MessageStore {
    static final String MODULE = "messaging";
    static final String SCRIPTS = "db/messaging";
    static final String KIND_MESSAGE = "message";
    static final String KIND_NOTIFICATION = "notification";

    private static final String COLUMNS = "SELECT id, sender, recipient, content_type, body, created, status, imdn_id, notify "
            + "FROM pb_message ";

    /** A message to store. */
    record NewMessage(Aor from, Aor to, String contentType, byte[] body, Instant created, String kind, String imdnId,
                      List<String> dispositions) {
    }

    /** A delivery row as the dispatcher needs it (with its next retry time). */
    record Row(String device, DeliveryStatus status, int attempts, Instant nextAttempt) {
    }

    private final DataSource dataSource;

    MessageStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    long insert(NewMessage m) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO pb_message (sender, recipient, content_type, body, "
                        + "created, kind, status, settled, imdn_id, notify) VALUES (?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?)",
                        new String[] {"id"})) {
            c.setAutoCommit(true);
            ps.setString(1, m.from().toString());
            ps.setString(2, m.to().toString());
            ps.setString(3, cut(m.contentType(), 255));
            ps.setBytes(4, m.body());
            ps.setObject(5, time(m.created()));
            ps.setString(6, m.kind());
            ps.setString(7, MessageStatus.QUEUED.name());
            ps.setString(8, m.imdnId() == null ? null : cut(m.imdnId(), 255));
            ps.setString(9, m.dispositions().isEmpty() ? null : cut(String.join(",", m.dispositions()), 255));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no id generated for the new message");
                }
                return keys.getLong(1);
            }
        }
    }

    Optional<Message> find(long id) throws SQLException {
        List<Message> found = query(COLUMNS + "WHERE id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Messages between a and b either way (not notifications), newest first, ids below {@code before}. */
    List<Message> history(Aor a, Aor b, long before, int limit) throws SQLException {
        return query(COLUMNS + "WHERE kind = 'message' AND id < ? AND ((sender = ? AND recipient = ?) OR "
                + "(sender = ? AND recipient = ?)) ORDER BY id DESC LIMIT " + limit, below(before), a.toString(),
                b.toString(), b.toString(), a.toString());
    }

    /** Messages sent or received by {@code user} (everyone's when null), newest first. */
    List<Message> recent(Aor user, long before, int limit) throws SQLException {
        if (user == null) {
            return query(COLUMNS + "WHERE kind = 'message' AND id < ? ORDER BY id DESC LIMIT " + limit, below(before));
        }
        return query(COLUMNS + "WHERE kind = 'message' AND id < ? AND (sender = ? OR recipient = ?) ORDER BY id DESC LIMIT "
                + limit, below(before), user.toString(), user.toString());
    }

    /** Messages no device has taken yet, oldest first. */
    List<Message> queued(Aor to, int limit) throws SQLException {
        if (to == null) {
            return query(COLUMNS + "WHERE settled = FALSE AND status = 'QUEUED' ORDER BY id LIMIT " + limit);
        }
        return query(COLUMNS + "WHERE settled = FALSE AND status = 'QUEUED' AND recipient = ? ORDER BY id LIMIT " + limit,
                to.toString());
    }

    /** Unsettled messages of a recipient in store order: what its devices may still get. */
    List<Message> open(Aor to, int limit) throws SQLException {
        return query(COLUMNS + "WHERE settled = FALSE AND recipient = ? ORDER BY id LIMIT " + limit, to.toString());
    }

    /** The delivery rows of these messages: message id → device → row. */
    Map<Long, Map<String, Row>> rows(Collection<Long> ids) throws SQLException {
        Map<Long, Map<String, Row>> rows = new HashMap<>();
        if (ids.isEmpty()) {
            return rows;
        }
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT message_id, device, status, attempts, next_attempt "
                        + "FROM pb_message_delivery WHERE message_id IN (" + marks + ")")) {
            int i = 1;
            for (long id : ids) {
                ps.setLong(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.computeIfAbsent(rs.getLong(1), k -> new HashMap<>()).put(rs.getString(2), new Row(rs.getString(2),
                            DeliveryStatus.valueOf(rs.getString(3)), rs.getInt(4), instant(rs, 5)));
                }
            }
        }
        return rows;
    }

    /** Records that a message is being sent to a device (attempt number {@code attempts}). */
    void attempt(long id, String device, String adapter, int attempts, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            int n;
            try (PreparedStatement up = c.prepareStatement("UPDATE pb_message_delivery SET status = 'PENDING', attempts = ?, "
                    + "adapter = ?, next_attempt = NULL, updated = ? WHERE message_id = ? AND device = ?")) {
                up.setInt(1, attempts);
                up.setString(2, cut(adapter, 32));
                up.setObject(3, time(now));
                up.setLong(4, id);
                up.setString(5, cut(device, 512));
                n = up.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement in = c.prepareStatement("INSERT INTO pb_message_delivery (message_id, device, adapter, "
                        + "status, attempts, code, next_attempt, updated) VALUES (?, ?, ?, 'PENDING', ?, 0, NULL, ?)")) {
                    in.setLong(1, id);
                    in.setString(2, cut(device, 512));
                    in.setString(3, cut(adapter, 32));
                    in.setInt(4, attempts);
                    in.setObject(5, time(now));
                    in.executeUpdate();
                }
            }
        }
    }

    /**
     * Records a device's answer. A delivery also moves a queued message to DELIVERED; then the message is settled when no
     * delivery is left pending. Returns true when the message got settled now.
     */
    boolean outcome(long id, String device, DeliveryStatus status, int code, Instant next, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("UPDATE pb_message_delivery SET status = ?, code = ?, "
                        + "next_attempt = ?, updated = ? WHERE message_id = ? AND device = ?")) {
                    ps.setString(1, status.name());
                    ps.setInt(2, code);
                    ps.setObject(3, next == null ? null : time(next));
                    ps.setObject(4, time(now));
                    ps.setLong(5, id);
                    ps.setString(6, cut(device, 512));
                    ps.executeUpdate();
                }
                if (status == DeliveryStatus.DELIVERED) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "UPDATE pb_message SET status = 'DELIVERED' WHERE id = ? AND status = 'QUEUED'")) {
                        ps.setLong(1, id);
                        ps.executeUpdate();
                    }
                }
                int settled;
                try (PreparedStatement ps = c.prepareStatement("UPDATE pb_message SET settled = TRUE WHERE id = ? "
                        + "AND settled = FALSE AND EXISTS (SELECT 1 FROM pb_message_delivery d WHERE d.message_id = ? "
                        + "AND d.status = 'DELIVERED') AND NOT EXISTS (SELECT 1 FROM pb_message_delivery d "
                        + "WHERE d.message_id = ? AND d.status = 'PENDING')")) {
                    ps.setLong(1, id);
                    ps.setLong(2, id);
                    ps.setLong(3, id);
                    settled = ps.executeUpdate();
                }
                c.commit();
                return settled > 0;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** A device registered again: its failed deliveries of messages nobody has taken yet are tried afresh. */
    int resetFailed(Aor to, String device) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE pb_message_delivery SET status = 'PENDING', attempts = 0, "
                        + "next_attempt = NULL WHERE device = ? AND status = 'FAILED' AND message_id IN "
                        + "(SELECT id FROM pb_message WHERE recipient = ? AND settled = FALSE AND status = 'QUEUED')")) {
            ps.setString(1, cut(device, 512));
            ps.setString(2, to.toString());
            return ps.executeUpdate();
        }
    }

    /**
     * Applies an IMDN disposition reported by {@code recipient} about a message it got from {@code sender}: DISPLAYED
     * always wins, DELIVERED only over QUEUED. {@code imdnId} is the IMDN Message-ID or the store id in decimal.
     * Returns the id of the message updated.
     */
    Optional<Long> receipt(Aor sender, Aor recipient, String imdnId, MessageStatus status) throws SQLException {
        String guard = status == MessageStatus.DISPLAYED ? "status <> 'FAILED'" : "status = 'QUEUED'";
        long numeric = imdnId.matches("\\d{1,18}") ? Long.parseLong(imdnId) : -1;
        try (Connection c = dataSource.getConnection()) {
            Long id = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM pb_message WHERE sender = ? AND recipient = ? "
                    + "AND (imdn_id = ? OR id = ?) ORDER BY id DESC LIMIT 1")) {
                ps.setString(1, sender.toString());
                ps.setString(2, recipient.toString());
                ps.setString(3, imdnId);
                ps.setLong(4, numeric);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        id = rs.getLong(1);
                    }
                }
            }
            if (id == null) {
                return Optional.empty();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE pb_message SET status = ? WHERE id = ? AND " + guard)) {
                ps.setString(1, status.name());
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            return Optional.of(id);
        }
    }

    /** Recipients with unsettled messages. */
    List<Aor> recipientsWithOpen() throws SQLException {
        List<Aor> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT DISTINCT recipient FROM pb_message WHERE settled = FALSE");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(Aor.parse(rs.getString(1)));
            }
        }
        return out;
    }

    long countUnsettled() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pb_message WHERE settled = FALSE")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Deletes settled messages created before {@code before}; returns how many went. */
    int purgeSettled(Instant before) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM pb_message WHERE settled = TRUE AND created < ?")) {
            ps.setObject(1, time(before));
            return ps.executeUpdate();
        }
    }

    /** Deletes unsettled messages created before {@code before} and returns them (for FAILED events). */
    List<Message> expireUnsettled(Instant before) throws SQLException {
        List<Message> expired = query(COLUMNS + "WHERE settled = FALSE AND created < ? ORDER BY id LIMIT 1000", time(before));
        if (expired.isEmpty()) {
            return expired;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM pb_message WHERE id = ?")) {
            for (Message m : expired) {
                ps.setLong(1, m.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return expired;
    }

    private List<Message> query(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Map<Long, Object[]> rows = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.put(rs.getLong(1), new Object[] {rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getBytes(5), instant(rs, 6), rs.getString(7), rs.getString(8), rs.getString(9)});
                    }
                }
            }
            Map<Long, List<Delivery>> deliveries = deliveries(c, rows.keySet());
            List<Message> out = new ArrayList<>(rows.size());
            rows.forEach((id, v) -> out.add(new Message(id, Aor.parse((String) v[0]), Aor.parse((String) v[1]),
                    (String) v[2], (byte[]) v[3], (Instant) v[4], MessageStatus.valueOf((String) v[5]), (String) v[6],
                    v[7] == null ? List.of() : Arrays.asList(((String) v[7]).split(",")),
                    deliveries.getOrDefault(id, List.of()))));
            return out;
        }
    }

    private static Map<Long, List<Delivery>> deliveries(Connection c, Collection<Long> ids) throws SQLException {
        Map<Long, List<Delivery>> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT message_id, device, adapter, status, attempts, code, updated "
                + "FROM pb_message_delivery WHERE message_id IN (" + marks + ") ORDER BY message_id, device")) {
            int i = 1;
            for (long id : ids) {
                ps.setLong(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Delivery(rs.getString(2),
                            rs.getString(3), DeliveryStatus.valueOf(rs.getString(4)), rs.getInt(5), rs.getInt(6),
                            instant(rs, 7)));
                }
            }
        }
        return out;
    }

    private static long below(long before) {
        return before <= 0 ? Long.MAX_VALUE : before;
    }

    private static OffsetDateTime time(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
