package io.idxauth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idxauth.core.ClientAuthenticator.Outcome;
import io.idxauth.core.ClientAuthenticator.Refusal;
import io.idxauth.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6749 §2.3.1 client authentication; the refusal reason is for the audit trail only. */
class ClientAuthenticatorTest {

  private static final SecretHashes HASHES = new SecretHashes(1024, 1);
  private static final String HASH_A = HASHES.hash("secret-a");
  private static final String HASH_B = HASHES.hash("secret-b");
  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

  private static final String SOURCE = "192.0.2.1";

  private final InMemoryDirectory directory = new InMemoryDirectory();
  private final MutableClock clock = new MutableClock(NOW);
  private final SecretVerifier verifier = new SecretVerifier(HASHES, 100);
  private final ClientAuthenticator authenticator =
      new ClientAuthenticator(
          directory,
          verifier,
          AccountPolicy.DEFAULT,
          new Lockouts(AccountPolicy.DEFAULT, 1000),
          clock);

  @Test
  void right_secret_of_enabled_account_authenticates() {
    AccountRecord account = account("app", true, secret("s1", HASH_A, null));
    directory.with(account);

    Outcome outcome = authenticator.authenticate("app", "secret-a", SOURCE);

    assertThat(outcome.authenticated()).isTrue();
    assertThat(outcome.refusal()).isNull();
    assertThat(outcome.account()).isEqualTo(account);
  }

  @Test
  void unknown_client_is_refused() {
    directory.with(account("app", true, secret("s1", HASH_A, null)));

    Outcome outcome = authenticator.authenticate("someone-else", "secret-a", SOURCE);

    assertThat(outcome.authenticated()).isFalse();
    assertThat(outcome.refusal()).isEqualTo(Refusal.UNKNOWN_CLIENT);
    assertThat(outcome.account()).isNull();
  }

  @Test
  void wrong_secret_is_refused() {
    directory.with(account("app", true, secret("s1", HASH_A, null)));

    Outcome outcome = authenticator.authenticate("app", "secret-b", SOURCE);

    assertThat(outcome.authenticated()).isFalse();
    assertThat(outcome.refusal()).isEqualTo(Refusal.WRONG_SECRET);
  }

  @Test
  void account_without_secrets_refuses_every_secret() {
    directory.with(account("app", true));

    assertThat(authenticator.authenticate("app", "secret-a", SOURCE).refusal())
        .isEqualTo(Refusal.WRONG_SECRET);
    assertThat(authenticator.authenticate("app", "", SOURCE).refusal())
        .isEqualTo(Refusal.WRONG_SECRET);
  }

  @Test
  void expired_secret_is_refused() {
    directory.with(account("app", true, secret("s1", HASH_A, NOW.minus(Duration.ofDays(1)))));

    Outcome outcome = authenticator.authenticate("app", "secret-a", SOURCE);

    assertThat(outcome.authenticated()).isFalse();
    assertThat(outcome.refusal()).isEqualTo(Refusal.EXPIRED_SECRET);
  }

  @Test
  void secret_expires_at_its_expiry_instant() {
    directory.with(account("app", true, secret("s1", HASH_A, NOW)));

    assertThat(authenticator.authenticate("app", "secret-a", SOURCE).refusal())
        .isEqualTo(Refusal.EXPIRED_SECRET);
  }

  @Test
  void secret_expiring_later_still_authenticates() {
    directory.with(account("app", true, secret("s1", HASH_A, NOW.plusSeconds(1))));

    assertThat(authenticator.authenticate("app", "secret-a", SOURCE).authenticated()).isTrue();
  }

  @Test
  void wrong_secret_against_an_expired_one_is_a_wrong_secret() {
    directory.with(account("app", true, secret("s1", HASH_A, NOW.minusSeconds(1))));

    assertThat(authenticator.authenticate("app", "secret-b", SOURCE).refusal())
        .isEqualTo(Refusal.WRONG_SECRET);
  }

  @Test
  void disabled_account_is_refused_with_the_right_secret() {
    directory.with(account("app", false, secret("s1", HASH_A, null)));

    Outcome outcome = authenticator.authenticate("app", "secret-a", SOURCE);

    assertThat(outcome.authenticated()).isFalse();
    assertThat(outcome.refusal()).isEqualTo(Refusal.DISABLED);
  }

  @Test
  void disabled_account_with_a_wrong_secret_is_a_wrong_secret() {
    directory.with(account("app", false, secret("s1", HASH_A, null)));

    assertThat(authenticator.authenticate("app", "secret-b", SOURCE).refusal())
        .isEqualTo(Refusal.WRONG_SECRET);
  }

  @Test
  void account_with_two_secrets_accepts_either() {
    directory.with(account("app", true, secret("new", HASH_B, null), secret("old", HASH_A, null)));

    assertThat(authenticator.authenticate("app", "secret-a", SOURCE).authenticated()).isTrue();
    assertThat(authenticator.authenticate("app", "secret-b", SOURCE).authenticated()).isTrue();
    assertThat(authenticator.authenticate("app", "secret-c", SOURCE).refusal())
        .isEqualTo(Refusal.WRONG_SECRET);
  }

  @Test
  void expired_old_secret_is_refused_while_the_new_one_works() {
    directory.with(
        account(
            "app",
            true,
            secret("new", HASH_B, null),
            secret("old", HASH_A, NOW.minus(Duration.ofHours(1)))));

    assertThat(authenticator.authenticate("app", "secret-b", SOURCE).authenticated()).isTrue();
    assertThat(authenticator.authenticate("app", "secret-a", SOURCE).refusal())
        .isEqualTo(Refusal.EXPIRED_SECRET);
  }

  @Test
  void right_secret_keeps_authenticating_on_repeat() {
    directory.with(account("app", true, secret("s1", HASH_A, null)));

    for (int i = 0; i < 3; i++) {
      assertThat(authenticator.authenticate("app", "secret-a", SOURCE).authenticated()).isTrue();
      assertThat(authenticator.authenticate("app", "secret-b", SOURCE).authenticated()).isFalse();
    }
  }

  @Test
  void six_failures_in_a_row_lock_the_account_even_against_its_right_secret() {
    directory.with(account("app", true, secret("s1", HASH_A, null)));
    for (int i = 0; i < 5; i++) {
      assertThat(authenticator.authenticate("app", "guess", SOURCE).refusal())
          .isEqualTo(Refusal.WRONG_SECRET);
    }
    assertThat(authenticator.authenticate("app", "secret-a", SOURCE).authenticated()).isTrue();

    for (int i = 0; i < 6; i++) {
      authenticator.authenticate("app", "guess", "198.51.100." + i);
    }
    assertThat(authenticator.authenticate("app", "secret-a", SOURCE).refusal())
        .isEqualTo(Refusal.LOCKED);

    clock.advance(Duration.ofMinutes(15));
    assertThat(authenticator.authenticate("app", "secret-a", SOURCE).authenticated()).isTrue();
  }

  @Test
  void a_locked_client_pays_no_slow_hash() {
    directory.with(account("app", true, secret("s1", HASH_A, null)));
    for (int i = 0; i < 6; i++) {
      authenticator.authenticate("app", "guess", "198.51.100." + i);
    }
    long before = verifier.slowChecks();

    assertThat(authenticator.authenticate("app", "guess", SOURCE).refusal())
        .isEqualTo(Refusal.LOCKED);
    assertThat(verifier.slowChecks()).isEqualTo(before);
  }

  @Test
  void unknown_client_ids_lock_too_so_locking_reveals_nothing() {
    for (int i = 0; i < 6; i++) {
      assertThat(authenticator.authenticate("nobody", "guess", "198.51.100." + i).refusal())
          .isEqualTo(Refusal.UNKNOWN_CLIENT);
    }
    assertThat(authenticator.authenticate("nobody", "guess", SOURCE).refusal())
        .isEqualTo(Refusal.LOCKED);
  }

  @Test
  void one_source_failing_too_often_is_refused_for_every_client() {
    directory.with(account("app", true, secret("s1", HASH_A, null)));
    for (int i = 0; i < 30; i++) {
      authenticator.authenticate("guessed-" + i, "guess", SOURCE);
    }

    assertThat(authenticator.authenticate("app", "secret-a", SOURCE).refusal())
        .isEqualTo(Refusal.SOURCE_LIMITED);
    assertThat(authenticator.authenticate("app", "secret-a", "203.0.113.9").authenticated())
        .isTrue();
    clock.advance(Duration.ofMinutes(15));
    assertThat(authenticator.authenticate("app", "secret-a", SOURCE).authenticated()).isTrue();
  }

  @Test
  void a_secret_already_proven_still_works_from_a_source_over_its_limit() {
    directory.with(account("app", true, secret("s1", HASH_A, null)));
    assertThat(authenticator.authenticate("app", "secret-a", "203.0.113.9").authenticated())
        .isTrue();
    for (int i = 0; i < 30; i++) {
      authenticator.authenticate("guessed-" + i, "guess", SOURCE);
    }

    assertThat(authenticator.authenticate("app", "secret-a", SOURCE).authenticated()).isTrue();
    assertThat(authenticator.authenticate("app", "secret-b", SOURCE).refusal())
        .isEqualTo(Refusal.SOURCE_LIMITED);
  }

  @Test
  void failures_in_flight_when_the_lock_is_set_neither_reset_nor_lift_it() {
    Lockouts lockouts = new Lockouts(AccountPolicy.DEFAULT, 100);
    for (int i = 0; i < 6; i++) {
      lockouts.failed("app", SOURCE, NOW);
    }
    Instant lockedUntil = lockouts.lockedUntil("app", NOW);
    assertThat(lockedUntil).isEqualTo(NOW.plus(Duration.ofMinutes(15)));

    lockouts.failed("app", SOURCE, NOW.plusSeconds(1));
    lockouts.succeeded("app", NOW.plusSeconds(1));

    assertThat(lockouts.lockedUntil("app", NOW.plusSeconds(2))).isEqualTo(lockedUntil);
  }

  @Test
  void a_check_whose_gate_closed_while_it_waited_for_the_slow_lane_pays_no_hash() {
    long before = verifier.slowChecks();

    assertThatThrownBy(
            () -> verifier.match(List.of(secret("s1", HASH_A, null)), "secret-a", () -> false))
        .isInstanceOf(SecretVerifier.GateClosed.class);
    assertThat(verifier.slowChecks()).isEqualTo(before);
  }

  @Test
  void ipv6_sources_are_counted_by_their_64_bit_prefix() {
    assertThat(Lockouts.sourceKey("2001:db8:1:2:aaaa::1"))
        .isEqualTo(Lockouts.sourceKey("2001:db8:1:2:bbbb::2"))
        .isNotEqualTo(Lockouts.sourceKey("2001:db8:1:3::1"));
    assertThat(Lockouts.sourceKey("::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
    assertThat(Lockouts.sourceKey("192.0.2.1")).isEqualTo("192.0.2.1");
  }

  @Test
  void a_secret_expires_at_its_maximum_age() {
    directory.with(
        account(
            "app",
            true,
            new ClientSecret("s1", HASH_A, NOW.minus(Duration.ofDays(90)), null),
            new ClientSecret("s2", HASH_B, NOW.minus(Duration.ofDays(89)), null)));

    assertThat(authenticator.authenticate("app", "secret-a", SOURCE).refusal())
        .isEqualTo(Refusal.EXPIRED_SECRET);
    assertThat(authenticator.authenticate("app", "secret-b", SOURCE).authenticated()).isTrue();
  }

  @Test
  void every_failure_costs_the_same_number_of_slow_hashes() {
    directory.with(account("one", true, secret("s1", HASH_A, null)));
    directory.with(account("two", true, secret("s1", HASH_A, null), secret("s2", HASH_B, null)));

    long start = verifier.slowChecks();
    authenticator.authenticate("nobody", "guess", SOURCE);
    long unknown = verifier.slowChecks() - start;
    authenticator.authenticate("one", "guess", SOURCE);
    long oneSecret = verifier.slowChecks() - start - unknown;
    authenticator.authenticate("two", "guess", SOURCE);
    long twoSecrets = verifier.slowChecks() - start - unknown - oneSecret;

    assertThat(unknown).isEqualTo(AccountPolicy.MAX_SECRETS);
    assertThat(oneSecret).isEqualTo(AccountPolicy.MAX_SECRETS);
    assertThat(twoSecrets).isEqualTo(AccountPolicy.MAX_SECRETS);
  }

  private static AccountRecord account(String clientId, boolean enabled, ClientSecret... secrets) {
    return new AccountRecord(
        new ServiceAccount(clientId, "RETAILER01", enabled), List.of(secrets), List.of());
  }

  private static ClientSecret secret(String id, String hash, Instant expires) {
    return new ClientSecret(id, hash, NOW.minus(Duration.ofDays(30)), expires);
  }
}
