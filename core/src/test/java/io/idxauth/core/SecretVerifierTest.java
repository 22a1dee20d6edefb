package io.idxauth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The fast path must never change an answer: what the slow hash refuses stays refused, whatever was
 * remembered before. Timings are for {@code bench/}, not asserted here.
 */
class SecretVerifierTest {

  private static final SecretHashes HASHES = new SecretHashes(1024, 1);
  private static final String HASH_A = HASHES.hash("secret-a");
  private static final String HASH_B = HASHES.hash("secret-b");

  private final SecretVerifier verifier = new SecretVerifier(HASHES, 100);

  @Test
  void right_secret_matches() {
    assertThat(verifier.matches(secret("a", HASH_A), "secret-a")).isTrue();
  }

  @Test
  void wrong_secret_does_not_match() {
    assertThat(verifier.matches(secret("a", HASH_A), "secret-b")).isFalse();
  }

  @Test
  void right_secret_keeps_matching_once_remembered() {
    assertThat(verifier.matches(secret("a", HASH_A), "secret-a")).isTrue();

    assertThat(verifier.matches(secret("a", HASH_A), "secret-a")).isTrue();
    assertThat(verifier.matches(secret("a", HASH_A), "secret-a")).isTrue();
  }

  @Test
  void remembered_secret_is_checked_without_the_slow_hash() {
    verifier.matches(secret("a", HASH_A), "secret-a");
    long slow = verifier.slowChecks();

    for (int i = 0; i < 5; i++) {
      assertThat(verifier.matches(secret("a", HASH_A), "secret-a")).isTrue();
    }

    assertThat(verifier.slowChecks()).isEqualTo(slow);
  }

  @Test
  void wrong_secret_pays_the_slow_hash_every_time() {
    verifier.matches(secret("a", HASH_A), "secret-a");
    long slow = verifier.slowChecks();

    for (int i = 0; i < 3; i++) {
      assertThat(verifier.matches(secret("a", HASH_A), "wrong")).isFalse();
    }

    assertThat(verifier.slowChecks()).isEqualTo(slow + 3);
  }

  @Test
  void remembered_secret_matches_any_client_secret_holding_the_same_hash() {
    assertThat(verifier.matches(secret("a", HASH_A), "secret-a")).isTrue();

    assertThat(verifier.matches(secret("other-id", HASH_A), "secret-a")).isTrue();
  }

  @Test
  void wrong_secret_never_matches_after_the_right_one_was_remembered() {
    assertThat(verifier.matches(secret("a", HASH_A), "secret-a")).isTrue();

    assertThat(verifier.matches(secret("a", HASH_A), "secret-b")).isFalse();
    assertThat(verifier.matches(secret("a", HASH_A), "secret-a ")).isFalse();
    assertThat(verifier.matches(secret("a", HASH_A), "")).isFalse();
    assertThat(verifier.matches(secret("a", HASH_A), "secret-a")).isTrue();
  }

  @Test
  void secret_remembered_for_one_hash_does_not_match_another_hash() {
    assertThat(verifier.matches(secret("a", HASH_A), "secret-a")).isTrue();
    assertThat(verifier.matches(secret("b", HASH_B), "secret-b")).isTrue();

    assertThat(verifier.matches(secret("b", HASH_B), "secret-a")).isFalse();
    assertThat(verifier.matches(secret("a", HASH_A), "secret-b")).isFalse();
  }

  @Test
  void answers_stay_right_when_remembered_secrets_are_evicted() {
    SecretVerifier small = new SecretVerifier(HASHES, 1);

    for (int round = 0; round < 3; round++) {
      assertThat(small.matches(secret("a", HASH_A), "secret-a")).isTrue();
      assertThat(small.matches(secret("b", HASH_B), "secret-b")).isTrue();
      assertThat(small.matches(secret("a", HASH_A), "secret-b")).isFalse();
      assertThat(small.matches(secret("b", HASH_B), "secret-a")).isFalse();
    }
  }

  @Test
  void unusable_stored_hash_never_matches() {
    assertThat(verifier.matches(secret("x", "not a hash"), "not a hash")).isFalse();
    assertThat(verifier.matches(secret("x", "$argon2id$broken"), "secret-a")).isFalse();
  }

  @Test
  void burning_a_secret_has_no_effect_on_answers() {
    assertThatCode(() -> verifier.burn("secret-a")).doesNotThrowAnyException();

    assertThat(verifier.matches(secret("b", HASH_B), "secret-a")).isFalse();
    assertThat(verifier.matches(secret("a", HASH_A), "secret-a")).isTrue();
  }

  private static ClientSecret secret(String id, String hash) {
    return new ClientSecret(id, hash, Instant.EPOCH, null);
  }
}
