package io.idxauth.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.core.LockoutLedger.Changes;
import io.idxauth.core.LockoutLedger.ClientFailures;
import io.idxauth.core.LockoutLedger.SourceFailures;
import io.idxauth.store.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lockout counters in the store, as several instances on one store share them. */
class JdbcLockoutLedgerTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration LOCKOUT = Duration.ofMinutes(15);
  private static final Duration WINDOW = Duration.ofMinutes(15);

  @TempDir Path dataDir;

  /** The row of {@code clientId} among {@code changes}, or {@code null}. */
  private static ClientFailures client(String clientId, Changes changes) {
    return changes.clients().stream()
        .filter(c -> c.clientId().equals(clientId))
        .findFirst()
        .orElse(null);
  }

  @Test
  void failures_counted_at_once_by_two_instances_add_up_one_by_one() throws Exception {
    try (Database one = TestDatabases.open(dataDir);
        Database two = TestDatabases.open(dataDir)) {
      List<JdbcLockoutLedger> ledgers =
          List.of(
              new JdbcLockoutLedger(new JdbcStore(one)), new JdbcLockoutLedger(new JdbcStore(two)));
      int perThread = 25;
      ExecutorService threads = Executors.newFixedThreadPool(4);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<Integer>>> counted = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        JdbcLockoutLedger ledger = ledgers.get(t % 2);
        counted.add(
            threads.submit(
                () -> {
                  start.await();
                  List<Integer> seen = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    seen.add(ledger.clientFailed("app", NOW, 1000, LOCKOUT).failures());
                    ledger.sourceFailed("192.0.2.1", NOW, WINDOW);
                  }
                  return seen;
                }));
      }
      start.countDown();
      List<Integer> all = new ArrayList<>();
      for (Future<List<Integer>> f : counted) {
        all.addAll(f.get());
      }
      threads.shutdown();

      // Each count saw the one before it: every total from 1 to 100 was returned exactly once.
      Collections.sort(all);
      assertThat(all).isEqualTo(IntStream.rangeClosed(1, 4 * perThread).boxed().toList());
      assertThat(ledgers.get(0).sourceFailed("192.0.2.1", NOW, WINDOW).failures())
          .isEqualTo(4 * perThread + 1);
    }
  }

  @Test
  void the_failure_that_reaches_the_threshold_returns_the_lock() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcLockoutLedger ledger = new JdbcLockoutLedger(new JdbcStore(database));

      assertThat(ledger.clientFailed("app", NOW, 3, LOCKOUT).lockedUntil()).isNull();
      assertThat(ledger.clientFailed("app", NOW.plusSeconds(1), 3, LOCKOUT).lockedUntil()).isNull();
      ClientFailures third = ledger.clientFailed("app", NOW.plusSeconds(2), 3, LOCKOUT);

      assertThat(third.failures()).isEqualTo(3);
      assertThat(third.lockedUntil()).isEqualTo(NOW.plusSeconds(2).plus(LOCKOUT));
      assertThat(third.updatedAt()).isEqualTo(NOW.plusSeconds(2));
      assertThat(ledger.clientFailed("other", NOW, 3, LOCKOUT).failures()).isEqualTo(1);
    }
  }

  @Test
  void a_threshold_of_one_locks_at_the_first_failure() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcLockoutLedger ledger = new JdbcLockoutLedger(new JdbcStore(database));

      assertThat(ledger.clientFailed("app", NOW, 1, LOCKOUT).lockedUntil())
          .isEqualTo(NOW.plus(LOCKOUT));
    }
  }

  @Test
  void failures_in_flight_neither_reset_nor_extend_a_live_lock() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcLockoutLedger ledger = new JdbcLockoutLedger(new JdbcStore(database));
      ledger.clientFailed("app", NOW, 2, LOCKOUT);
      ClientFailures locked = ledger.clientFailed("app", NOW, 2, LOCKOUT);

      ClientFailures inFlight = ledger.clientFailed("app", NOW.plusSeconds(30), 2, LOCKOUT);

      assertThat(inFlight).isEqualTo(locked);
    }
  }

  @Test
  void after_a_lock_ends_or_a_quiet_lockout_period_a_new_run_starts() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcLockoutLedger ledger = new JdbcLockoutLedger(new JdbcStore(database));
      ledger.clientFailed("locked", NOW, 2, LOCKOUT);
      ledger.clientFailed("locked", NOW, 2, LOCKOUT);
      ledger.clientFailed("quiet", NOW, 2, LOCKOUT);
      Instant later = NOW.plus(LOCKOUT);

      ClientFailures afterLock = ledger.clientFailed("locked", later, 2, LOCKOUT);
      ClientFailures afterQuiet = ledger.clientFailed("quiet", later, 2, LOCKOUT);

      assertThat(afterLock.failures()).isEqualTo(1);
      assertThat(afterLock.lockedUntil()).isNull();
      assertThat(afterQuiet.failures()).isEqualTo(1);
      assertThat(afterQuiet.lockedUntil()).isNull();
    }
  }

  @Test
  void a_row_changed_by_a_clock_behind_it_still_moves_forward() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcLockoutLedger ledger = new JdbcLockoutLedger(new JdbcStore(database));
      ClientFailures ahead = ledger.clientFailed("app", NOW.plusSeconds(5), 6, LOCKOUT);

      ClientFailures behind = ledger.clientFailed("app", NOW, 6, LOCKOUT);

      assertThat(behind.failures()).isEqualTo(2);
      assertThat(behind.updatedAt()).isAfter(ahead.updatedAt());
    }
  }

  @Test
  void a_reset_ends_a_run_that_did_not_change_after_the_success_and_is_not_locked() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcLockoutLedger ledger = new JdbcLockoutLedger(new JdbcStore(database));
      ledger.clientFailed("ended", NOW, 3, LOCKOUT);
      ledger.clientFailed("failed-since", NOW.plusSeconds(2), 3, LOCKOUT);
      for (int i = 0; i < 3; i++) {
        ledger.clientFailed("locked", NOW, 3, LOCKOUT);
      }

      ledger.reset(
          Map.of(
              "ended", NOW.plusSeconds(1),
              "failed-since", NOW.plusSeconds(1),
              "locked", NOW.plusSeconds(1),
              "never-failed", NOW.plusSeconds(1)),
          NOW.plusSeconds(3));

      Changes rows = ledger.changedSince(NOW);
      assertThat(client("ended", rows).failures()).isZero();
      assertThat(client("ended", rows).updatedAt()).isEqualTo(NOW.plusSeconds(3));
      assertThat(client("failed-since", rows).failures()).isEqualTo(1);
      assertThat(client("locked", rows).lockedUntil()).isEqualTo(NOW.plus(LOCKOUT));
      assertThat(client("never-failed", rows)).isNull();
      assertThat(ledger.clientFailed("ended", NOW.plusSeconds(4), 3, LOCKOUT).failures())
          .isEqualTo(1);
    }
  }

  @Test
  void an_unlock_clears_the_row_and_is_listed_as_a_change() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcLockoutLedger ledger = new JdbcLockoutLedger(new JdbcStore(database));
      ledger.clientFailed("app", NOW, 1, LOCKOUT);

      ClientFailures cleared = ledger.unlock("app", NOW.plusSeconds(10));

      assertThat(cleared)
          .isEqualTo(new ClientFailures("app", 0, null, NOW.plusSeconds(10)))
          .isEqualTo(client("app", ledger.changedSince(NOW.plusSeconds(10))));
      assertThat(ledger.unlock("never-failed", NOW)).isNull();
      assertThat(ledger.clientFailed("app", NOW.plusSeconds(11), 2, LOCKOUT).lockedUntil())
          .isNull();
    }
  }

  @Test
  void changes_since_an_instant_list_only_rows_changed_from_then() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcLockoutLedger ledger = new JdbcLockoutLedger(new JdbcStore(database));
      ledger.clientFailed("early", NOW, 6, LOCKOUT);
      ledger.sourceFailed("192.0.2.1", NOW, WINDOW);
      ledger.clientFailed("late", NOW.plusSeconds(5), 6, LOCKOUT);
      ledger.sourceFailed("2001:db8:1:2::/64", NOW.plusSeconds(5), WINDOW);

      Changes rows = ledger.changedSince(NOW.plusSeconds(5));

      assertThat(rows.clients()).extracting(ClientFailures::clientId).containsExactly("late");
      assertThat(rows.sources())
          .extracting(SourceFailures::sourceKey)
          .containsExactly("2001:db8:1:2::/64");
      assertThat(ledger.changedSince(NOW).clients()).hasSize(2);
    }
  }

  @Test
  void source_failures_count_within_a_window_and_start_again_after_it() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcLockoutLedger ledger = new JdbcLockoutLedger(new JdbcStore(database));
      ledger.sourceFailed("192.0.2.1", NOW, WINDOW);

      SourceFailures second = ledger.sourceFailed("192.0.2.1", NOW.plusSeconds(60), WINDOW);
      SourceFailures next = ledger.sourceFailed("192.0.2.1", NOW.plus(WINDOW), WINDOW);

      assertThat(second.failures()).isEqualTo(2);
      assertThat(second.windowStart()).isEqualTo(NOW);
      assertThat(next.failures()).isEqualTo(1);
      assertThat(next.windowStart()).isEqualTo(NOW.plus(WINDOW));
    }
  }

  @Test
  void a_purge_removes_rows_past_their_use_and_keeps_live_locks_and_windows() {
    try (Database database = TestDatabases.open(dataDir)) {
      JdbcLockoutLedger ledger = new JdbcLockoutLedger(new JdbcStore(database));
      Duration longLock = LOCKOUT.multipliedBy(4);
      ledger.clientFailed("old-run", NOW, 6, LOCKOUT);
      ledger.clientFailed("long-lock", NOW, 1, longLock);
      ledger.clientFailed("unlocked", NOW, 1, LOCKOUT);
      ledger.unlock("unlocked", NOW);
      ledger.sourceFailed("198.51.100.1", NOW, WINDOW);
      Instant later = NOW.plus(LOCKOUT).plusSeconds(1);
      ledger.clientFailed("recent", later, 6, LOCKOUT);
      ledger.sourceFailed("203.0.113.9", later, WINDOW);

      assertThat(ledger.purge(later, LOCKOUT, WINDOW)).isEqualTo(3);

      Changes rows = ledger.changedSince(NOW);
      assertThat(rows.clients())
          .extracting(ClientFailures::clientId)
          .containsExactlyInAnyOrder("long-lock", "recent");
      assertThat(rows.sources())
          .extracting(SourceFailures::sourceKey)
          .containsExactly("203.0.113.9");
    }
  }
}
