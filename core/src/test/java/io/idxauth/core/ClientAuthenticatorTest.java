package io.idxauth.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.core.ClientAuthenticator.Outcome;
import io.idxauth.core.ClientAuthenticator.Refusal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6749 §2.3.1 client authentication; the refusal reason is for the audit trail only. */
class ClientAuthenticatorTest {

  private static final SecretHashes HASHES = new SecretHashes(1024, 1);
  private static final String HASH_A = HASHES.hash("secret-a");
  private static final String HASH_B = HASHES.hash("secret-b");
  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

  private final InMemoryDirectory directory = new InMemoryDirectory();
  private final ClientAuthenticator authenticator =
      new ClientAuthenticator(
          directory, new SecretVerifier(HASHES, 100), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void right_secret_of_enabled_account_authenticates() {
    AccountRecord account = account("app", true, secret("s1", HASH_A, null));
    directory.with(account);

    Outcome outcome = authenticator.authenticate("app", "secret-a");

    assertThat(outcome.authenticated()).isTrue();
    assertThat(outcome.refusal()).isNull();
    assertThat(outcome.account()).isEqualTo(account);
  }

  @Test
  void unknown_client_is_refused() {
    directory.with(account("app", true, secret("s1", HASH_A, null)));

    Outcome outcome = authenticator.authenticate("someone-else", "secret-a");

    assertThat(outcome.authenticated()).isFalse();
    assertThat(outcome.refusal()).isEqualTo(Refusal.UNKNOWN_CLIENT);
    assertThat(outcome.account()).isNull();
  }

  @Test
  void wrong_secret_is_refused() {
    directory.with(account("app", true, secret("s1", HASH_A, null)));

    Outcome outcome = authenticator.authenticate("app", "secret-b");

    assertThat(outcome.authenticated()).isFalse();
    assertThat(outcome.refusal()).isEqualTo(Refusal.WRONG_SECRET);
  }

  @Test
  void account_without_secrets_refuses_every_secret() {
    directory.with(account("app", true));

    assertThat(authenticator.authenticate("app", "secret-a").refusal())
        .isEqualTo(Refusal.WRONG_SECRET);
    assertThat(authenticator.authenticate("app", "").refusal()).isEqualTo(Refusal.WRONG_SECRET);
  }

  @Test
  void expired_secret_is_refused() {
    directory.with(account("app", true, secret("s1", HASH_A, NOW.minus(Duration.ofDays(1)))));

    Outcome outcome = authenticator.authenticate("app", "secret-a");

    assertThat(outcome.authenticated()).isFalse();
    assertThat(outcome.refusal()).isEqualTo(Refusal.EXPIRED_SECRET);
  }

  @Test
  void secret_expires_at_its_expiry_instant() {
    directory.with(account("app", true, secret("s1", HASH_A, NOW)));

    assertThat(authenticator.authenticate("app", "secret-a").refusal())
        .isEqualTo(Refusal.EXPIRED_SECRET);
  }

  @Test
  void secret_expiring_later_still_authenticates() {
    directory.with(account("app", true, secret("s1", HASH_A, NOW.plusSeconds(1))));

    assertThat(authenticator.authenticate("app", "secret-a").authenticated()).isTrue();
  }

  @Test
  void wrong_secret_against_an_expired_one_is_a_wrong_secret() {
    directory.with(account("app", true, secret("s1", HASH_A, NOW.minusSeconds(1))));

    assertThat(authenticator.authenticate("app", "secret-b").refusal())
        .isEqualTo(Refusal.WRONG_SECRET);
  }

  @Test
  void disabled_account_is_refused_with_the_right_secret() {
    directory.with(account("app", false, secret("s1", HASH_A, null)));

    Outcome outcome = authenticator.authenticate("app", "secret-a");

    assertThat(outcome.authenticated()).isFalse();
    assertThat(outcome.refusal()).isEqualTo(Refusal.DISABLED);
  }

  @Test
  void disabled_account_with_a_wrong_secret_is_a_wrong_secret() {
    directory.with(account("app", false, secret("s1", HASH_A, null)));

    assertThat(authenticator.authenticate("app", "secret-b").refusal())
        .isEqualTo(Refusal.WRONG_SECRET);
  }

  @Test
  void account_with_two_secrets_accepts_either() {
    directory.with(account("app", true, secret("new", HASH_B, null), secret("old", HASH_A, null)));

    assertThat(authenticator.authenticate("app", "secret-a").authenticated()).isTrue();
    assertThat(authenticator.authenticate("app", "secret-b").authenticated()).isTrue();
    assertThat(authenticator.authenticate("app", "secret-c").refusal())
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

    assertThat(authenticator.authenticate("app", "secret-b").authenticated()).isTrue();
    assertThat(authenticator.authenticate("app", "secret-a").refusal())
        .isEqualTo(Refusal.EXPIRED_SECRET);
  }

  @Test
  void right_secret_keeps_authenticating_on_repeat() {
    directory.with(account("app", true, secret("s1", HASH_A, null)));

    for (int i = 0; i < 3; i++) {
      assertThat(authenticator.authenticate("app", "secret-a").authenticated()).isTrue();
      assertThat(authenticator.authenticate("app", "secret-b").authenticated()).isFalse();
    }
  }

  private static AccountRecord account(String clientId, boolean enabled, ClientSecret... secrets) {
    return new AccountRecord(
        new ServiceAccount(clientId, "RETAILER01", enabled), List.of(secrets), List.of());
  }

  private static ClientSecret secret(String id, String hash, Instant expires) {
    return new ClientSecret(id, hash, NOW.minus(Duration.ofDays(30)), expires);
  }
}
