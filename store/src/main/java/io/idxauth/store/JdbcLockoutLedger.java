package io.idxauth.store;

import io.idxauth.core.LockoutLedger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lockout counters in the store, shared by every instance on it. Each failure is one upsert
 * that returns the row it left, so concurrent counts from any number of instances add up; none
 * waits for the admin writers. Times are epoch milliseconds of the writer's clock, and a row's
 * updated_at never goes back, even when two instances' clocks disagree.
 */
public final class JdbcLockoutLedger implements LockoutLedger {

  /** The new updated_at of a row changed at {@code ?} (the same instant, bound twice). */
  private static final String NEXT_UPDATE =
      "CASE WHEN %1$s.updated_at >= ? THEN %1$s.updated_at + 1 ELSE ? END";

  /**
   * Parameters: client_id, locked_until if one failure locks, now; then in the update: now (live
   * lock), now − lockout (forgotten run); now (live lock), now − lockout, threshold, now + lockout;
   * now (live lock), now, now.
   */
  private static final String CLIENT_FAILED =
      """
      INSERT INTO client_failure (client_id, failures, locked_until, updated_at)
      VALUES (?, 1, ?, ?)
      ON CONFLICT (client_id) DO UPDATE SET
        failures = CASE
          WHEN client_failure.locked_until > ? THEN client_failure.failures
          WHEN client_failure.locked_until IS NOT NULL OR client_failure.updated_at <= ? THEN 1
          ELSE client_failure.failures + 1 END,
        locked_until = CASE
          WHEN client_failure.locked_until > ? THEN client_failure.locked_until
          WHEN (CASE
                  WHEN client_failure.locked_until IS NOT NULL
                    OR client_failure.updated_at <= ? THEN 1
                  ELSE client_failure.failures + 1 END) >= ? THEN ?
          ELSE NULL END,
        updated_at = CASE
          WHEN client_failure.locked_until > ? THEN client_failure.updated_at
          ELSE %s END
      RETURNING failures, locked_until, updated_at
      """
          .formatted(NEXT_UPDATE.formatted("client_failure"));

  /**
   * Parameters: source_key, now, now; then in the update: now − window, now; now − window; now,
   * now.
   */
  private static final String SOURCE_FAILED =
      """
      INSERT INTO source_failure (source_key, window_start, failures, updated_at)
      VALUES (?, ?, 1, ?)
      ON CONFLICT (source_key) DO UPDATE SET
        window_start = CASE
          WHEN source_failure.window_start <= ? THEN ? ELSE source_failure.window_start END,
        failures = CASE
          WHEN source_failure.window_start <= ? THEN 1 ELSE source_failure.failures + 1 END,
        updated_at = %s
      RETURNING window_start, failures, updated_at
      """
          .formatted(NEXT_UPDATE.formatted("source_failure"));

  private final JdbcStore store;

  public JdbcLockoutLedger(JdbcStore store) {
    this.store = store;
  }

  @Override
  public ClientFailures clientFailed(
      String clientId, Instant now, int threshold, Duration lockout) {
    long at = now.toEpochMilli();
    long forgotten = now.minus(lockout).toEpochMilli();
    long lockedUntil = now.plus(lockout).toEpochMilli();
    return store.append(
        c -> {
          try (PreparedStatement s = c.prepareStatement(CLIENT_FAILED)) {
            s.setString(1, clientId);
            if (threshold <= 1) {
              s.setLong(2, lockedUntil);
            } else {
              s.setNull(2, Types.BIGINT);
            }
            s.setLong(3, at);
            s.setLong(4, at);
            s.setLong(5, forgotten);
            s.setLong(6, at);
            s.setLong(7, forgotten);
            s.setInt(8, threshold);
            s.setLong(9, lockedUntil);
            s.setLong(10, at);
            s.setLong(11, at);
            s.setLong(12, at);
            try (ResultSet r = s.executeQuery()) {
              r.next();
              return new ClientFailures(
                  clientId, r.getInt(1), instant(r, 2), Instant.ofEpochMilli(r.getLong(3)));
            }
          }
        });
  }

  @Override
  public SourceFailures sourceFailed(String sourceKey, Instant now, Duration window) {
    long at = now.toEpochMilli();
    long ended = now.minus(window).toEpochMilli();
    return store.append(
        c -> {
          try (PreparedStatement s = c.prepareStatement(SOURCE_FAILED)) {
            s.setString(1, sourceKey);
            s.setLong(2, at);
            s.setLong(3, at);
            s.setLong(4, ended);
            s.setLong(5, at);
            s.setLong(6, ended);
            s.setLong(7, at);
            s.setLong(8, at);
            try (ResultSet r = s.executeQuery()) {
              r.next();
              return new SourceFailures(
                  sourceKey,
                  Instant.ofEpochMilli(r.getLong(1)),
                  r.getInt(2),
                  Instant.ofEpochMilli(r.getLong(3)));
            }
          }
        });
  }

  @Override
  public void reset(Map<String, Instant> succeeded, Instant now) {
    if (succeeded.isEmpty()) {
      return;
    }
    long at = now.toEpochMilli();
    store.append(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE client_failure SET failures = 0, locked_until = NULL, updated_at = "
                      + NEXT_UPDATE.formatted("client_failure")
                      + " WHERE client_id = ? AND failures > 0 AND updated_at <= ?"
                      + " AND (locked_until IS NULL OR locked_until <= ?)")) {
            for (Map.Entry<String, Instant> success : succeeded.entrySet()) {
              s.setLong(1, at);
              s.setLong(2, at);
              s.setString(3, success.getKey());
              s.setLong(4, success.getValue().toEpochMilli());
              s.setLong(5, at);
              s.addBatch();
            }
            s.executeBatch();
          }
          return null;
        });
  }

  @Override
  public ClientFailures unlock(String clientId, Instant now) {
    long at = now.toEpochMilli();
    return store.append(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE client_failure SET failures = 0, locked_until = NULL, updated_at = "
                      + NEXT_UPDATE.formatted("client_failure")
                      + " WHERE client_id = ? RETURNING updated_at")) {
            s.setLong(1, at);
            s.setLong(2, at);
            s.setString(3, clientId);
            try (ResultSet r = s.executeQuery()) {
              return r.next()
                  ? new ClientFailures(clientId, 0, null, Instant.ofEpochMilli(r.getLong(1)))
                  : null;
            }
          }
        });
  }

  @Override
  public Changes changedSince(Instant since) {
    long from = since.toEpochMilli();
    return store.read(
        c -> new Changes(List.copyOf(clientsSince(c, from)), List.copyOf(sourcesSince(c, from))));
  }

  private static List<ClientFailures> clientsSince(Connection c, long from) throws SQLException {
    List<ClientFailures> out = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT client_id, failures, locked_until, updated_at FROM client_failure"
                + " WHERE updated_at >= ?")) {
      s.setLong(1, from);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(
              new ClientFailures(
                  r.getString(1), r.getInt(2), instant(r, 3), Instant.ofEpochMilli(r.getLong(4))));
        }
      }
    }
    return out;
  }

  private static List<SourceFailures> sourcesSince(Connection c, long from) throws SQLException {
    List<SourceFailures> out = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT source_key, window_start, failures, updated_at FROM source_failure"
                + " WHERE updated_at >= ?")) {
      s.setLong(1, from);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(
              new SourceFailures(
                  r.getString(1),
                  Instant.ofEpochMilli(r.getLong(2)),
                  r.getInt(3),
                  Instant.ofEpochMilli(r.getLong(4))));
        }
      }
    }
    return out;
  }

  @Override
  public int purge(Instant now, Duration lockout, Duration window) {
    long at = now.toEpochMilli();
    return store.append(
        c -> {
          int purged;
          // A row with no change for a lockout period holds a run that is forgotten, or a reset
          // every instance has read long since; a live lock stays whatever its age.
          try (PreparedStatement s =
              c.prepareStatement(
                  "DELETE FROM client_failure WHERE updated_at <= ?"
                      + " AND (locked_until IS NULL OR locked_until <= ?)")) {
            s.setLong(1, now.minus(lockout).toEpochMilli());
            s.setLong(2, at);
            purged = s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM source_failure WHERE window_start <= ?")) {
            s.setLong(1, now.minus(window).toEpochMilli());
            purged += s.executeUpdate();
          }
          return purged;
        });
  }

  private static Instant instant(ResultSet r, int column) throws SQLException {
    long millis = r.getLong(column);
    return r.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
