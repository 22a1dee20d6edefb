package io.idxauth.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token buckets that the gateways of a fleet share (table {@code gateway_usage}), each known by
 * the moment it is full again, in epoch microseconds (GCRA). A gateway decides every call from its
 * own memory and, a few times a second, adds the cost of the calls it let through here and reads
 * back where the buckets it is using stand: one short transaction, never on a caller's path.
 *
 * <p>What a bucket and a cost are is the gateway's business: here a cost {@code c} added at {@code
 * now} moves a bucket's full-again moment to {@code max(full_at, now) + c}, in one statement on one
 * row, so gateways add without waiting for each other beyond that row. A bucket without a row is
 * full.
 */
public final class JdbcRateUsage {

  /**
   * How long past its full-again moment a row is kept: a full bucket is the same as no row, so this
   * only covers the clocks of the gateways disagreeing a little. Purges run as often.
   */
  private static final Duration KEEP = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(JdbcRateUsage.class);
  private static final long KEEP_US = KEEP.toNanos() / 1000;

  /** How many buckets one read names, well within the bind limits of SQLite and PostgreSQL. */
  private static final int READ_CHUNK = 500;

  private final JdbcStore store;
  private final AtomicLong nextPurgeUs = new AtomicLong(Long.MIN_VALUE);

  public JdbcRateUsage(JdbcStore store) {
    this.store = store;
  }

  /**
   * Adds {@code costs} to their buckets and answers where the buckets of {@code read} stand, in one
   * transaction; at most once a minute it also purges the rows of full buckets.
   *
   * @param costs bucket → microseconds to add (the cost of the calls let through since the last
   *     exchange)
   * @param read the buckets to report
   * @param nowUs the caller's clock, in epoch microseconds
   * @return for each bucket of {@code read} that has a row, its full-again moment in epoch
   *     microseconds; a bucket left out is full
   * @throws StoreException when the store cannot be reached
   */
  public Map<String, Long> exchange(Map<String, Long> costs, Set<String> read, long nowUs) {
    // In one order on every gateway, so that two transactions never wait for each other's rows.
    SortedMap<String, Long> sorted = new TreeMap<>(costs);
    Map<String, Long> standing =
        store.append(
            c -> {
              if (!sorted.isEmpty()) {
                try (PreparedStatement s =
                    c.prepareStatement(
                        "INSERT INTO gateway_usage (bucket, full_at_us) VALUES (?, ?)"
                            + " ON CONFLICT (bucket) DO UPDATE SET full_at_us = CASE"
                            + " WHEN gateway_usage.full_at_us > ? THEN gateway_usage.full_at_us"
                            + " ELSE ? END + ?")) {
                  for (Map.Entry<String, Long> cost : sorted.entrySet()) {
                    s.setString(1, cost.getKey());
                    s.setLong(2, nowUs + cost.getValue());
                    s.setLong(3, nowUs);
                    s.setLong(4, nowUs);
                    s.setLong(5, cost.getValue());
                    s.addBatch();
                  }
                  s.executeBatch();
                }
              }
              Map<String, Long> out = new HashMap<>();
              List<String> buckets = new ArrayList<>(read);
              for (int from = 0; from < buckets.size(); from += READ_CHUNK) {
                List<String> chunk =
                    buckets.subList(from, Math.min(buckets.size(), from + READ_CHUNK));
                readChunk(c.prepareStatement(select(chunk.size())), chunk, out);
              }
              return out;
            });
    long due = nextPurgeUs.get();
    if (nowUs >= due && nextPurgeUs.compareAndSet(due, nowUs + KEEP_US)) {
      // Apart from the exchange: a purge holds no row that an exchange holds while it waits.
      try {
        purge(nowUs - KEEP_US);
      } catch (StoreException e) {
        LOG.warn("purging gateway_usage failed (tried again in {}): {}", KEEP, e.getMessage());
      }
    }
    return standing;
  }

  /**
   * Deletes the rows of buckets full again before {@code beforeUs} (epoch microseconds).
   *
   * @return how many were deleted
   */
  public int purge(long beforeUs) {
    return store.append(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM gateway_usage WHERE full_at_us < ?")) {
            s.setLong(1, beforeUs);
            return s.executeUpdate();
          }
        });
  }

  private static String select(int buckets) {
    return "SELECT bucket, full_at_us FROM gateway_usage WHERE bucket IN ("
        + "?, ".repeat(buckets - 1)
        + "?)";
  }

  private static void readChunk(PreparedStatement s, List<String> chunk, Map<String, Long> out)
      throws SQLException {
    try (s) {
      for (int i = 0; i < chunk.size(); i++) {
        s.setString(i + 1, chunk.get(i));
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.put(r.getString(1), r.getLong(2));
        }
      }
    }
  }
}
