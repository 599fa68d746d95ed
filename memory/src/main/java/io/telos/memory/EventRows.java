package io.telos.memory;

import io.telos.api.HandoverRequest;
import io.telos.api.Mode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds and reads {@link EventRecord} rows the same way in every SQL store (columns
 * {@code episode_id, robot_id, stamp_ns, kind, from_mode, to_mode, trigger, detail, open}).
 * Internal to the stores.
 */
public final class EventRows {
  private EventRows() {}

  /** Binds parameters {@code first .. first+8}; {@code open} as an integer when {@code openAsInt}. */
  public static void bind(PreparedStatement p, int first, EventRecord e, boolean openAsInt) throws SQLException {
    p.setLong(first, e.episodeId());
    p.setString(first + 1, e.robotId());
    p.setLong(first + 2, e.stampNs());
    p.setString(first + 3, e.kind().label());
    text(p, first + 4, e.from() == null ? null : e.from().name());
    text(p, first + 5, e.to() == null ? null : e.to().name());
    text(p, first + 6, e.trigger() == null ? null : e.trigger().name());
    p.setString(first + 7, e.detail());
    if (openAsInt) {
      p.setInt(first + 8, e.open() ? 1 : 0);
    } else {
      p.setBoolean(first + 8, e.open());
    }
  }

  /** Reads columns {@code first .. first+8} of the current row. */
  /** Runs an event query whose long parameters are {@code args} and whose first column starts an event row. */
  public static List<EventRecord> query(Connection c, String sql, long... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setLong(i + 1, args[i]);
      }
      List<EventRecord> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs, 1));
        }
      }
      return out;
    }
  }

  public static EventRecord read(ResultSet rs, int first) throws SQLException {
    String from = rs.getString(first + 4);
    String to = rs.getString(first + 5);
    String trigger = rs.getString(first + 6);
    return new EventRecord(rs.getLong(first), rs.getString(first + 1), rs.getLong(first + 2),
        EventRecord.Kind.ofLabel(rs.getString(first + 3)), from == null ? null : Mode.valueOf(from),
        to == null ? null : Mode.valueOf(to), trigger == null ? null : HandoverRequest.Trigger.valueOf(trigger),
        rs.getString(first + 7), rs.getBoolean(first + 8));
  }

  private static void text(PreparedStatement p, int i, String v) throws SQLException {
    if (v == null) {
      p.setNull(i, Types.VARCHAR);
    } else {
      p.setString(i, v);
    }
  }
}
