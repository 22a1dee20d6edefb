package io.idxauth.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.idxauth.core.AuditEvent;
import io.idxauth.core.AuditTrail;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The audit trail in the store, and as structured log lines (logger {@code io.idxauth.audit}).
 *
 * <p>Admin changes are written by the store in the transaction of the change ({@link #insert}), so
 * a change and its record commit together. Token issuances and refusals, thousands a second, are
 * logged at once and stored by a writer thread in batches; the token path never waits for the
 * database unless the queue is full, and then for at most a second before the event is dropped from
 * the store (it is still in the log, and the drop is counted and logged).
 */
public final class AuditLog implements AuditTrail, AutoCloseable {

  private static final Logger AUDIT = LoggerFactory.getLogger("io.idxauth.audit");
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 4096;
  private static final long GATHER_MILLIS = 100;

  /** One page of events, newest first, and the cursor of the next page (or {@code null}). */
  public record Page(List<AuditEvent> items, String nextCursor) {}

  /**
   * What to look for; every field is optional.
   *
   * @param kind an exact kind, or a prefix ending in {@code .} ({@code token.})
   */
  public record Query(
      String clientId,
      String participantId,
      String kind,
      Instant from,
      Instant to,
      int limit,
      Long before) {}

  private final JdbcStore store;
  private final BlockingQueue<AuditEvent> queue = new ArrayBlockingQueue<>(65_536);
  private final Thread writer;
  private final LongAdder queued = new LongAdder();
  private final LongAdder stored = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final AtomicBoolean dropWarned = new AtomicBoolean();
  private int failedRounds;
  private volatile boolean closing;

  public AuditLog(JdbcStore store) {
    this.store = store;
    this.writer = new Thread(this::drain, "audit-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** Logs the event now and stores it soon, in a batch. */
  @Override
  public void record(AuditEvent event) {
    log(event);
    queued.increment();
    // Never wait: the event is in the log already, and a request thread must not stall on a store
    // that fell behind. What is not stored is counted (idx_auth_audit_events_dropped_total).
    if (closing || !queue.offer(event)) {
      dropped.increment();
      if (dropWarned.compareAndSet(false, true)) {
        LOG.error("audit store fell behind: events are logged but not stored until it catches up");
      }
    } else {
      dropWarned.set(false);
    }
  }

  /** Logs an event that the caller stores itself, in its own transaction. */
  public static void log(AuditEvent event) {
    if (!AUDIT.isInfoEnabled()) {
      return;
    }
    LoggingEventBuilder line =
        AUDIT.atInfo().addKeyValue("audit_kind", event.kind()).addKeyValue("actor", event.actor());
    if (event.clientId() != null) {
      line = line.addKeyValue("client_id", event.clientId());
    }
    if (event.participantId() != null) {
      line = line.addKeyValue("participant_id", event.participantId());
    }
    if (event.source() != null) {
      line = line.addKeyValue("source", event.source());
    }
    line.addKeyValue("detail", event.detail())
        .log(
            "audit {} actor={} client_id={} {}",
            event.kind(),
            event.actor(),
            event.clientId(),
            event.detail());
  }

  /** Stores {@code event} on {@code c}, inside the caller's transaction. */
  public static void insert(Connection c, AuditEvent event) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      bind(s, event);
      s.executeUpdate();
    }
  }

  private static final String INSERT =
      "INSERT INTO audit_event (at, kind, actor, client_id, participant_id, source, detail)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";

  private static void bind(PreparedStatement s, AuditEvent e) throws SQLException {
    bind(s, e, 0);
  }

  /** Binds one event's seven columns after the first {@code offset} parameters. */
  private static void bind(PreparedStatement s, AuditEvent e, int offset) throws SQLException {
    s.setLong(offset + 1, e.at().toEpochMilli());
    s.setString(offset + 2, e.kind());
    s.setString(offset + 3, e.actor());
    s.setString(offset + 4, e.clientId());
    s.setString(offset + 5, e.participantId());
    s.setString(offset + 6, e.source());
    try {
      s.setString(offset + 7, JSON.writeValueAsString(e.detail()));
    } catch (JsonProcessingException ex) {
      s.setString(offset + 7, "{}");
    }
  }

  /** Rows per multi-row INSERT: 7 parameters each, well under SQLite's limit of 32,766. */
  private static final int ROWS_PER_INSERT = 64;

  private static String insertOf(int rows) {
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO audit_event (at, kind, actor, client_id, participant_id, source, detail)"
                + " VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?)");
    }
    return sql.toString();
  }

  private void drain() {
    List<AuditEvent> batch = new ArrayList<>(BATCH);
    while (true) {
      try {
        AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing) {
            return;
          }
          continue;
        }
        // Gather for a moment: one transaction of many events costs far less than many of few.
        if (!closing && queue.size() < BATCH) {
          Thread.sleep(GATHER_MILLIS);
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        store(batch);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (closing) {
          // Shutting down with the store away: what is left is in the log, and counted.
          dropped.add(batch.size() + queue.size());
          return;
        }
        failedRounds++;
        if (failedRounds >= 10 && storeAnswers()) {
          // The store answers, yet this batch keeps failing: something in it cannot be stored.
          // Set it aside (it is in the log) rather than stop the trail for good.
          LOG.error(
              "{} audit events cannot be stored and are set aside: {}",
              batch.size(),
              e.getMessage());
          dropped.add(batch.size());
          failedRounds = 0;
        } else {
          // The store is away: keep the events and try again shortly.
          LOG.warn("cannot store {} audit events yet: {}", batch.size(), e.getMessage());
          sleepQuietly();
          requeue(batch);
        }
        batch.clear();
        continue;
      }
      failedRounds = 0;
      batch.clear();
    }
  }

  private void store(List<AuditEvent> batch) {
    if (batch.isEmpty()) {
      return;
    }
    // The last use of each secret rides along: one UPDATE per secret per batch, and no revision
    // bump, since the token path does not cache it.
    Map<String, Long> lastUsed = new HashMap<>();
    for (AuditEvent e : batch) {
      if (e.kind().equals(AuditEvent.TOKEN_ISSUED)
          && e.detail().get("secretId") instanceof String id) {
        lastUsed.merge(id, e.at().toEpochMilli(), Math::max);
      }
    }
    store.append(
        c -> {
          // Many rows per statement: one statement step per row costs more than the row itself.
          int full = batch.size() / ROWS_PER_INSERT;
          if (full > 0) {
            try (PreparedStatement s = c.prepareStatement(insertOf(ROWS_PER_INSERT))) {
              for (int chunk = 0; chunk < full; chunk++) {
                for (int i = 0; i < ROWS_PER_INSERT; i++) {
                  bind(s, batch.get(chunk * ROWS_PER_INSERT + i), i * 7);
                }
                s.executeUpdate();
              }
            }
          }
          int rest = batch.size() - full * ROWS_PER_INSERT;
          if (rest > 0) {
            try (PreparedStatement s = c.prepareStatement(insertOf(rest))) {
              for (int i = 0; i < rest; i++) {
                bind(s, batch.get(full * ROWS_PER_INSERT + i), i * 7);
              }
              s.executeUpdate();
            }
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE client_secret SET last_used_at = ? WHERE id = ?"
                      + " AND (last_used_at IS NULL OR last_used_at < ?)")) {
            for (Map.Entry<String, Long> e : lastUsed.entrySet()) {
              s.setLong(1, e.getValue());
              s.setString(2, e.getKey());
              s.setLong(3, e.getValue());
              s.addBatch();
            }
            s.executeBatch();
          }
          return null;
        });
    stored.add(batch.size());
  }

  private void requeue(List<AuditEvent> batch) {
    for (AuditEvent e : batch) {
      if (!queue.offer(e)) {
        dropped.increment();
      }
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until every event recorded so far is stored (for tests and orderly shutdown). */
  public void flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (stored.sum() + dropped.sum() < queued.sum() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Events recorded but not stored because the queue stayed full. */
  public long dropped() {
    return dropped.sum();
  }

  /** Deletes events older than {@code before}; returns how many. */
  public int purge(Instant before) {
    // In chunks, each its own short transaction, so that writers never wait long for the lock.
    int total = 0;
    while (true) {
      int deleted =
          store.append(
              c -> {
                try (PreparedStatement s =
                    c.prepareStatement(
                        "DELETE FROM audit_event WHERE id IN (SELECT id FROM audit_event"
                            + " WHERE at < ? ORDER BY id LIMIT 10000)")) {
                  s.setLong(1, before.toEpochMilli());
                  return s.executeUpdate();
                }
              });
      total += deleted;
      if (deleted < 10_000) {
        return total;
      }
    }
  }

  private boolean storeAnswers() {
    try {
      store.revision();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  public Page query(Query q) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, at, kind, actor, client_id, participant_id, source, detail FROM audit_event"
                + " WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (q.clientId() != null) {
      sql.append(" AND client_id = ?");
      args.add(q.clientId());
    }
    if (q.participantId() != null) {
      sql.append(" AND participant_id = ?");
      args.add(q.participantId());
    }
    if (q.kind() != null) {
      if (q.kind().endsWith(".")) {
        sql.append(" AND substr(kind, 1, ?) = ?");
        args.add(q.kind().length());
      } else {
        sql.append(" AND kind = ?");
      }
      args.add(q.kind());
    }
    if (q.from() != null) {
      sql.append(" AND at >= ?");
      args.add(q.from().toEpochMilli());
    }
    if (q.to() != null) {
      sql.append(" AND at < ?");
      args.add(q.to().toEpochMilli());
    }
    if (q.before() != null) {
      sql.append(" AND id < ?");
      args.add(q.before());
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(q.limit() + 1);
    List<AuditEvent> events =
        store.read(
            c -> {
              List<AuditEvent> out = new ArrayList<>();
              try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                  s.setObject(i + 1, args.get(i));
                }
                try (ResultSet r = s.executeQuery()) {
                  while (r.next()) {
                    out.add(event(r));
                  }
                }
              }
              return out;
            });
    if (events.size() > q.limit()) {
      List<AuditEvent> page = events.subList(0, q.limit());
      return new Page(List.copyOf(page), Long.toString(page.get(page.size() - 1).id()));
    }
    return new Page(events, null);
  }

  private static AuditEvent event(ResultSet r) throws SQLException {
    Map<String, Object> detail;
    try {
      detail = JSON.readValue(r.getString(8), new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      detail = Map.of();
    }
    return new AuditEvent(
        r.getLong(1),
        Instant.ofEpochMilli(r.getLong(2)),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        r.getString(7),
        detail);
  }

  @Override
  public void close() {
    closing = true;
    try {
      writer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
