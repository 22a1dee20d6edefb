package io.idxauth.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.store.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateways' shared token buckets: costs add up from now or from where a bucket stands. */
class JdbcRateUsageTest {

  private static final long NOW = 1_772_359_200_000_000L; // 2026-03-01T10:00:00Z in µs
  private static final long SECOND = 1_000_000L;

  @TempDir Path dataDir;

  @Test
  void a_bucket_without_a_row_is_full_and_is_not_reported() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcRateUsage usage = new JdbcRateUsage(new JdbcStore(database));

      assertThat(usage.exchange(Map.of(), Set.of("2/minute P /a/**"), NOW)).isEmpty();
    }
  }

  @Test
  void costs_add_up_from_now_then_from_where_the_bucket_stands() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcRateUsage usage = new JdbcRateUsage(new JdbcStore(database));
      String bucket = "2/minute P /a/**";

      assertThat(usage.exchange(Map.of(bucket, 30 * SECOND), Set.of(bucket), NOW))
          .containsExactly(Map.entry(bucket, NOW + 30 * SECOND));
      // Another gateway, a second later: the bucket is not full yet, so the cost adds to it.
      assertThat(usage.exchange(Map.of(bucket, 30 * SECOND), Set.of(bucket), NOW + SECOND))
          .containsExactly(Map.entry(bucket, NOW + 60 * SECOND));
      // Two minutes on it is full again: the next cost counts from then.
      assertThat(usage.exchange(Map.of(bucket, 30 * SECOND), Set.of(bucket), NOW + 120 * SECOND))
          .containsExactly(Map.entry(bucket, NOW + 150 * SECOND));
    }
  }

  @Test
  void each_bucket_counts_apart_and_only_the_buckets_asked_for_are_reported() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcRateUsage usage = new JdbcRateUsage(new JdbcStore(database));

      usage.exchange(Map.of("a", SECOND, "b", 2 * SECOND, "c", 3 * SECOND), Set.of(), NOW);

      assertThat(usage.exchange(Map.of("a", SECOND), Set.of("a", "c", "d"), NOW))
          .containsOnly(Map.entry("a", NOW + 2 * SECOND), Map.entry("c", NOW + 3 * SECOND));
    }
  }

  @Test
  void many_buckets_are_read_in_one_exchange() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcRateUsage usage = new JdbcRateUsage(new JdbcStore(database));
      Map<String, Long> costs = new HashMap<>();
      for (int i = 0; i < 1_234; i++) {
        costs.put("bucket-" + i, (i + 1) * SECOND);
      }

      Map<String, Long> standing = usage.exchange(costs, costs.keySet(), NOW);

      assertThat(standing).hasSize(1_234);
      assertThat(standing.get("bucket-1233")).isEqualTo(NOW + 1_234 * SECOND);
    }
  }

  @Test
  void gateways_exchanging_at_once_lose_no_cost() throws Exception {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcRateUsage usage = new JdbcRateUsage(new JdbcStore(database));
      Map<String, Long> costs = Map.of("a", SECOND, "b", SECOND, "c", SECOND, "d", SECOND);
      List<Thread> gateways = new ArrayList<>();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      for (int g = 0; g < 4; g++) {
        gateways.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        for (int i = 0; i < 25; i++) {
                          usage.exchange(costs, costs.keySet(), NOW);
                        }
                      } catch (RuntimeException e) {
                        failures.add(e);
                      }
                    }));
      }
      for (Thread gateway : gateways) {
        gateway.join();
      }

      assertThat(failures).isEmpty();
      assertThat(usage.exchange(Map.of(), costs.keySet(), NOW))
          .containsOnly(
              Map.entry("a", NOW + 100 * SECOND),
              Map.entry("b", NOW + 100 * SECOND),
              Map.entry("c", NOW + 100 * SECOND),
              Map.entry("d", NOW + 100 * SECOND));
    }
  }

  @Test
  void rows_of_buckets_full_again_for_a_minute_are_purged() throws Exception {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcRateUsage usage = new JdbcRateUsage(new JdbcStore(database));
      usage.exchange(Map.of("short", SECOND, "long", 600 * SECOND), Set.of(), NOW);
      assertThat(rows(database)).isEqualTo(2);

      // Five minutes on, the next exchange purges: "short" has been full for more than a minute.
      usage.exchange(Map.of(), Set.of(), NOW + 300 * SECOND);
      assertThat(rows(database)).isEqualTo(1);
      assertThat(usage.exchange(Map.of(), Set.of("short", "long"), NOW + 300 * SECOND))
          .containsOnly(Map.entry("long", NOW + 600 * SECOND));

      assertThat(usage.purge(NOW + 601 * SECOND)).isEqualTo(1);
      assertThat(rows(database)).isZero();
    }
  }

  private static int rows(Database database) throws Exception {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM gateway_usage")) {
      r.next();
      return r.getInt(1);
    }
  }
}
