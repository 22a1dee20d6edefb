package io.idxauth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.idxauth.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lockout counters shared by several instances through one {@link LockoutLedger}. Each instance
 * here reads the ledger only when the test calls {@code sync}, as its background thread would.
 */
class LockoutsTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration LOCKOUT = Duration.ofMinutes(15);

  /** Six failures lock a client_id for 15 minutes; five failures limit a source. */
  private static final AccountPolicy POLICY =
      new AccountPolicy(
          Duration.ofDays(90), Duration.ofHours(24), 6, LOCKOUT, 5, Duration.ofMinutes(15));

  private static final String SOURCE = "192.0.2.1";

  private final InMemoryLockoutLedger ledger = new InMemoryLockoutLedger();
  private final MutableClock clock = new MutableClock(NOW);
  private final List<Lockouts> instances = new ArrayList<>();

  /** An instance on the shared ledger, that reads it only when told to. */
  private Lockouts instance() {
    Lockouts lockouts = new Lockouts(POLICY, 1000, ledger, clock, Duration.ofHours(1));
    instances.add(lockouts);
    return lockouts;
  }

  /** A different source address for each failure, so that no source limit gets in the way. */
  private static String source(int i) {
    return "198.51.100." + i;
  }

  @AfterEach
  void close() {
    instances.forEach(Lockouts::close);
  }

  @Test
  void failures_spread_over_two_instances_lock_the_client_at_the_threshold() {
    Lockouts one = instance();
    Lockouts two = instance();
    for (int i = 0; i < 3; i++) {
      one.failed("app", source(i), NOW);
      two.failed("app", source(10 + i), NOW);
    }

    // The instance whose failure set the lock knows it at once; the other at its next sync.
    assertThat(two.lockedUntil("app", NOW)).isEqualTo(NOW.plus(LOCKOUT));
    assertThat(one.lockedUntil("app", NOW)).isNull();
    one.sync();
    assertThat(one.lockedUntil("app", NOW)).isEqualTo(NOW.plus(LOCKOUT));
    assertThat(one.check("app", SOURCE, NOW)).isEqualTo(ClientAuthenticator.Refusal.LOCKED);
  }

  @Test
  void a_success_on_one_instance_ends_the_run_on_every_instance() {
    Lockouts one = instance();
    Lockouts two = instance();
    for (int i = 0; i < 5; i++) {
      one.failed("app", source(i), NOW);
    }
    two.sync();

    two.succeeded("app", NOW.plusSeconds(1));
    two.sync();
    one.sync();
    one.failed("app", source(9), NOW.plusSeconds(2));

    assertThat(one.lockedUntil("app", NOW.plusSeconds(2))).isNull();
    assertThat(ledger.client("app").failures()).isEqualTo(1);
  }

  @Test
  void only_a_success_that_ends_a_run_of_failures_writes_to_the_ledger() {
    Lockouts one = instance();
    for (int i = 0; i < 100; i++) {
      one.succeeded("app", NOW);
    }
    one.sync();
    assertThat(ledger.writes()).isZero();

    one.failed("app", SOURCE, NOW);
    for (int i = 0; i < 100; i++) {
      one.succeeded("app", NOW.plusSeconds(1));
    }
    one.sync();

    // One failure (its client and its source) and one reset.
    assertThat(ledger.writes()).isEqualTo(3);
    assertThat(ledger.client("app").failures()).isZero();
  }

  @Test
  void an_unlock_on_one_instance_lifts_the_lock_on_the_others_at_their_next_sync() {
    Lockouts one = instance();
    Lockouts two = instance();
    for (int i = 0; i < 6; i++) {
      one.failed("app", source(i), NOW);
    }
    two.sync();
    clock.advance(Duration.ofSeconds(1));
    Instant now = clock.instant();

    one.unlock("app");

    assertThat(one.lockedUntil("app", now)).isNull();
    assertThat(two.lockedUntil("app", now)).isNotNull();
    two.sync();
    assertThat(two.lockedUntil("app", now)).isNull();
  }

  @Test
  void a_lock_outlives_a_restart_but_not_its_duration() {
    Lockouts before = instance();
    for (int i = 0; i < 6; i++) {
      before.failed("app", source(i), NOW);
    }
    before.close();

    Lockouts after = instance();

    assertThat(after.lockedUntil("app", NOW)).isEqualTo(NOW.plus(LOCKOUT));
    assertThat(after.lockedUntil("app", NOW.plus(LOCKOUT))).isNull();
  }

  @Test
  void failures_in_flight_on_another_instance_neither_reset_nor_extend_a_lock() {
    Lockouts one = instance();
    Lockouts two = instance();
    for (int i = 0; i < 6; i++) {
      one.failed("app", source(i), NOW);
    }

    // Not synced yet: two counts the failure in the ledger, which returns the lock unchanged.
    two.failed("app", SOURCE, NOW.plusSeconds(30));
    two.succeeded("app", NOW.plusSeconds(31));
    two.sync();

    assertThat(two.lockedUntil("app", NOW.plusSeconds(31))).isEqualTo(NOW.plus(LOCKOUT));
    assertThat(ledger.client("app").lockedUntil()).isEqualTo(NOW.plus(LOCKOUT));
    assertThat(ledger.client("app").failures()).isEqualTo(6);
  }

  @Test
  void a_right_secret_on_an_instance_that_has_not_yet_heard_of_the_lock_does_not_hide_it() {
    Lockouts one = instance();
    Lockouts two = instance();
    for (int i = 0; i < 5; i++) {
      one.failed("app", source(i), NOW);
    }
    two.sync();
    one.failed("app", source(5), NOW.plusSeconds(1));

    two.succeeded("app", NOW.plusSeconds(2));
    two.sync();

    assertThat(two.lockedUntil("app", NOW.plusSeconds(2)))
        .isEqualTo(NOW.plusSeconds(1).plus(LOCKOUT));
    assertThat(ledger.client("app").failures()).isEqualTo(6);
  }

  @Test
  void a_source_that_fails_through_two_instances_is_limited_on_both() {
    Lockouts one = instance();
    Lockouts two = instance();
    for (int i = 0; i < 3; i++) {
      one.failed("guessed-" + i, "2001:db8:1:2::" + i, NOW);
    }
    two.failed("guessed-3", "2001:db8:1:2::a", NOW);
    assertThat(two.sourceLimited("2001:db8:1:2::b", NOW)).isFalse();

    two.failed("guessed-4", "2001:db8:1:2::b", NOW);

    assertThat(two.sourceLimited("2001:db8:1:2::c", NOW)).isTrue();
    assertThat(one.sourceLimited("2001:db8:1:2::c", NOW)).isFalse();
    one.sync();
    assertThat(one.sourceLimited("2001:db8:1:2::c", NOW)).isTrue();
    assertThat(one.sourceLimited("2001:db8:1:3::1", NOW)).isFalse();
  }

  @Test
  void while_the_ledger_is_out_of_reach_failures_are_counted_in_memory() {
    Lockouts one = instance();
    ledger.down(true);

    for (int i = 0; i < 6; i++) {
      one.failed("app", source(i), NOW);
    }
    one.sync();

    assertThat(one.lockedUntil("app", NOW)).isEqualTo(NOW.plus(LOCKOUT));
    assertThat(ledger.writes()).isZero();
  }

  @Test
  void once_the_ledger_is_back_failures_are_shared_again() {
    Lockouts one = instance();
    Lockouts two = instance();
    ledger.down(true);
    one.failed("app", SOURCE, NOW);
    one.sync();

    ledger.down(false);
    one.sync();
    for (int i = 0; i < 6; i++) {
      one.failed("other", source(i), NOW);
    }
    two.sync();

    assertThat(two.lockedUntil("other", NOW)).isEqualTo(NOW.plus(LOCKOUT));
  }

  @Test
  void a_lock_counted_in_memory_while_the_ledger_was_out_of_reach_stands_when_it_is_back() {
    Lockouts one = instance();
    Lockouts two = instance();
    ledger.down(true);
    for (int i = 0; i < 6; i++) {
      one.failed("app", source(i), NOW);
    }
    ledger.down(false);

    // The ledger has a later row for the client, but one that never heard of the lock.
    two.failed("app", SOURCE, NOW.plusSeconds(1));
    one.sync();

    assertThat(one.lockedUntil("app", NOW.plusSeconds(1))).isEqualTo(NOW.plus(LOCKOUT));
  }

  @Test
  void a_ledger_that_hangs_holds_up_no_refusal_and_its_count_lands_when_it_answers()
      throws Exception {
    Lockouts one = instance();
    for (int i = 0; i < 5; i++) {
      one.failed("app", source(i), NOW);
    }
    CountDownLatch hung = ledger.hang();

    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> one.failed("app", source(5), NOW));
    assertThat(one.lockedUntil("app", NOW)).isNull();

    hung.countDown();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (one.lockedUntil("app", NOW) == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(one.lockedUntil("app", NOW)).isEqualTo(NOW.plus(LOCKOUT));
  }
}
