package org.patchbay.presence.internal.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import org.patchbay.api.identity.Aor;
import org.patchbay.api.presence.PresenceState;
import org.patchbay.api.presence.Publication;

/** Publications and subscriptions on the relational store (tables {@code pb_presence_pub}, {@code pb_presence_sub}). */
public final class PresenceStore {
    public static final String MODULE = "presence";
    public static final String SCRIPTS = "db/presence";

    private final DataSource dataSource;

    public PresenceStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One stored subscription: the dialog identifiers a NOTIFY needs, and where to send it. */
    public record SubscriptionRow(String id, String event, String target, String watcher, String callId,
            String localTag, String remoteTag, String localUri, String remoteUri, String remoteTarget, String source,
            String transport, long cseq, Instant created, Instant expires) {
    }

    void savePublication(Publication p) throws SQLException {
        PresenceState s = p.state();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM pb_presence_pub WHERE aor = ? AND id = ?");
                    PreparedStatement ins = c.prepareStatement("INSERT INTO pb_presence_pub (aor, id, source, basic, "
                            + "status, activities, note, updated, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                del.setString(1, s.aor().toString());
                del.setString(2, p.id());
                del.executeUpdate();
                ins.setString(1, s.aor().toString());
                ins.setString(2, p.id());
                ins.setString(3, cut(s.source(), 32));
                ins.setString(4, s.basic().pidf());
                ins.setString(5, cut(s.status(), 32));
                ins.setString(6, cut(String.join(" ", s.activities()), 512));
                ins.setString(7, cut(s.note(), 1024));
                ins.setTimestamp(8, Timestamp.from(s.updated()));
                ins.setTimestamp(9, Timestamp.from(s.expires()));
                ins.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    void deletePublication(Aor aor, String id) throws SQLException {
        update("DELETE FROM pb_presence_pub WHERE aor = ? AND id = ?", aor.toString(), id);
    }

    /** Every stored publication, expired ones included (the caller drops those). */
    List<Publication> publications() throws SQLException {
        List<Publication> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT aor, id, source, basic, status, activities, note, "
                        + "updated, expires FROM pb_presence_pub");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String acts = rs.getString(6);
                PresenceState s = new PresenceState(Aor.parse(rs.getString(1)),
                        "open".equals(rs.getString(4)) ? PresenceState.Basic.OPEN : PresenceState.Basic.CLOSED,
                        rs.getString(5), acts.isBlank() ? List.of() : Arrays.asList(acts.split(" ")), rs.getString(7),
                        rs.getString(3), rs.getTimestamp(8).toInstant(), rs.getTimestamp(9).toInstant());
                out.add(new Publication(rs.getString(2), s));
            }
        }
        return out;
    }

    public void saveSubscription(SubscriptionRow r) throws SQLException {
        deleteSubscription(r.id());
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO pb_presence_sub (id, event, target, watcher, "
                        + "call_id, local_tag, remote_tag, local_uri, remote_uri, remote_target, source, transport, cseq, "
                        + "created, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.id());
            ps.setString(2, r.event());
            ps.setString(3, r.target());
            ps.setString(4, cut(r.watcher(), 320));
            ps.setString(5, cut(r.callId(), 256));
            ps.setString(6, cut(r.localTag(), 128));
            ps.setString(7, cut(r.remoteTag(), 128));
            ps.setString(8, cut(r.localUri(), 512));
            ps.setString(9, cut(r.remoteUri(), 512));
            ps.setString(10, cut(r.remoteTarget(), 512));
            ps.setString(11, cut(r.source(), 64));
            ps.setString(12, r.transport());
            ps.setLong(13, r.cseq());
            ps.setTimestamp(14, Timestamp.from(r.created()));
            ps.setTimestamp(15, Timestamp.from(r.expires()));
            ps.executeUpdate();
        }
    }

    public void deleteSubscription(String id) throws SQLException {
        update("DELETE FROM pb_presence_sub WHERE id = ?", id);
    }

    public List<SubscriptionRow> subscriptions() throws SQLException {
        List<SubscriptionRow> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id, event, target, watcher, call_id, local_tag, "
                        + "remote_tag, local_uri, remote_uri, remote_target, source, transport, cseq, created, expires "
                        + "FROM pb_presence_sub ORDER BY created");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new SubscriptionRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                        rs.getString(10), rs.getString(11), rs.getString(12), rs.getLong(13),
                        rs.getTimestamp(14).toInstant(), rs.getTimestamp(15).toInstant()));
            }
        }
        return out;
    }

    private void update(String sql, String... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
