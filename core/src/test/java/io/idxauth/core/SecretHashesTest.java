package io.idxauth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.security.SecureRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * New secrets are hashed with Argon2id at OWASP's minimum; hashes made by other implementations
 * verify. The imported hashes below were made on the command line, not by this code:
 *
 * <ul>
 *   <li>bcrypt {@code $2b$}, {@code $2a$}: pyca/bcrypt 3.2 ({@code bcrypt.hashpw(s,
 *       bcrypt.gensalt(rounds=4, prefix=b"2b"))})
 *   <li>bcrypt {@code $2y$}: Apache {@code htpasswd -nbBC 5 u <secret>}
 *   <li>Argon2id: the reference {@code argon2} CLI ({@code echo -n <secret> | argon2 somesalt1234
 *       -id -t 2 -m 12 -p 1 -e}) and argon2-cffi ({@code PasswordHasher(time_cost=2,
 *       memory_cost=1024, parallelism=1, type=Type.ID)}, random binary salt)
 *   <li>PBKDF2-SHA256: Python's {@code hashlib.pbkdf2_hmac("sha256", s, salt, 1000)}, written as a
 *       PHC string ({@code $pbkdf2-sha256$i=1000$<b64>$<b64>}) and in passlib's format ({@code
 *       $pbkdf2-sha256$1000$<ab64>$<ab64>}, '.' for '+'); the salt's base64 holds '+' and '/'.
 * </ul>
 */
class SecretHashesTest {

  private static final SecretHashes HASHES = SecretHashes.DEFAULT;

  static Stream<Arguments> importedHashes() {
    return Stream.of(
        Arguments.of(
            "imported-bcrypt-2b", "$2b$04$jE5tUOCf9p9XqFUIXr9LZe6N3gYhs6GS.xDGaGZ4W/UjQtj5vRN2a"),
        Arguments.of(
            "imported-bcrypt-2a", "$2a$04$h3yogq/K68TGOLx8xtqLZOjQ1cT48wawpAF8IiWibCklAIDVOaH12"),
        Arguments.of(
            "imported-bcrypt-2y", "$2y$05$n6vgNcPiXVtB1uRRnZ8Zqedldlp7VgzQvZ2tuWIEinJcHGQdXzzQq"),
        Arguments.of(
            "imported-argon2-secret",
            "$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHQxMjM0$nueVszpMIsOW/6dCv55wUVZ2iJS2zJlbfHlwmZbYdd4"),
        Arguments.of(
            "argon2-cffi-secret",
            "$argon2id$v=19$m=1024,t=2,p=1$phOX07OOGsS3HOz0D3sGLA$eLiVLMgpypGTNTxQq/qKu4sDOa0CZqOntDVpS6eN5Ig"),
        Arguments.of(
            "pbkdf2-phc-secret",
            "$pbkdf2-sha256$i=1000$+7/V/jt+nvj3s26bvbHz/w$Cz78GRlfj0LUfksukOwqmt/lYK9K1YgEx2AEJhWZyro"),
        Arguments.of(
            "pbkdf2-passlib-secret",
            "$pbkdf2-sha256$1000$.7/V/jt.nvj3s26bvbHz/w$LwwqKmCtEIA/VPRUGS09IZ9V521OcBrwgBG5xgDaK80"));
  }

  @Test
  void new_hash_is_argon2id_phc_at_owasp_minimum_cost() {
    String hash = HASHES.hash("s3cret");

    assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(hash.split("\\$")).hasSize(6);
    assertThat(SecretHashes.describe(hash)).isNull();
    assertThat(SecretHashes.describe(hash)).isNull();
  }

  @Test
  void new_hash_verifies_its_secret() {
    String hash = HASHES.hash("s3cret");

    assertThat(HASHES.verify("s3cret", hash)).isTrue();
  }

  @Test
  void wrong_secret_is_refused() {
    String hash = HASHES.hash("s3cret");

    assertThat(HASHES.verify("s3cret ", hash)).isFalse();
    assertThat(HASHES.verify("S3cret", hash)).isFalse();
    assertThat(HASHES.verify("", hash)).isFalse();
  }

  @Test
  void same_secret_hashes_differently_each_time() {
    assertThat(HASHES.hash("s3cret")).isNotEqualTo(HASHES.hash("s3cret"));
  }

  @Test
  void hash_made_at_another_cost_verifies_with_any_instance() {
    String cheap = new SecretHashes(1024, 1).hash("s3cret");

    assertThat(cheap).startsWith("$argon2id$v=19$m=1024,t=1,p=1$");
    assertThat(HASHES.verify("s3cret", cheap)).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("importedHashes")
  void hash_imported_from_another_implementation_verifies(String secret, String hash) {
    assertThat(SecretHashes.describe(hash)).isNull();
    assertThat(HASHES.verify(secret, hash)).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("importedHashes")
  void hash_imported_from_another_implementation_refuses_a_wrong_secret(
      String secret, String hash) {
    assertThat(HASHES.verify(secret + "x", hash)).isFalse();
    assertThat(HASHES.verify("wrong", hash)).isFalse();
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "plain text",
        "5f4dcc3b5aa765d61d8327deb882cf99", // bare MD5
        "$2b$04$short",
        "$2b$04$jE5tUOCf9p9XqFUIXr9LZe6N3gYhs6GS.xDGaGZ4W/UjQtj5vRN2aXX", // 62 characters
        "$2x$04$jE5tUOCf9p9XqFUIXr9LZe6N3gYhs6GS.xDGaGZ4W/UjQtj5vRN2a",
        "$argon2id$",
        "$argon2id$v=19$m=lots,t=2,p=1$c29tZXNhbHQxMjM0$nueVszpMIsOW",
        "$argon2i$v=19$m=4096,t=2,p=1$c29tZXNhbHQxMjM0$nueVszpMIsOW/6dCv55wUVZ2iJS2zJlbfHlwmZbYdd4",
        "$argon2d$v=19$m=4096,t=2,p=1$c29tZXNhbHQxMjM0$nueVszpMIsOW/6dCv55wUVZ2iJS2zJlbfHlwmZbYdd4",
        "$scrypt$ln=4,r=8,p=1$c29tZXNhbHQ$aGFzaA",
        "$pbkdf2-sha256$",
        "$pbkdf2-sha256$i=1000$c2FsdA",
        "$pbkdf2-sha256$i=0$c2FsdA$aGFzaA",
        "$pbkdf2-sha256$i=-5$c2FsdA$aGFzaA",
        "$pbkdf2-sha256$i=many$c2FsdA$aGFzaA",
        "$pbkdf2-sha256$i=1000$not*base64$aGFzaA",
        "$pbkdf2-md5$i=1000$c2FsdA$aGFzaA",
        "$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA$extra",
      })
  void malformed_or_unsupported_hash_is_described_and_never_verifies(String hash) {
    assertThat(SecretHashes.describe(hash)).isNotBlank();
    assertThat(SecretHashes.describe(hash)).isNotNull();
    assertThatCode(() -> HASHES.verify("secret", hash)).doesNotThrowAnyException();
    assertThat(HASHES.verify("secret", hash)).isFalse();
  }

  /**
   * {@code describe} is what the importer trusts: a hash it calls usable must be one that some
   * secret can verify against, or the account is locked out without a word.
   */
  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(
      strings = {
        // bcrypt cost outside 4..31: parses, but every check throws "Bad number of rounds"
        "$2b$03$jE5tUOCf9p9XqFUIXr9LZe6N3gYhs6GS.xDGaGZ4W/UjQtj5vRN2a",
        "$2b$32$jE5tUOCf9p9XqFUIXr9LZe6N3gYhs6GS.xDGaGZ4W/UjQtj5vRN2a",
        // PBKDF2 with an empty salt, or an empty digest: parses, but PBEKeySpec refuses both
        "$pbkdf2-sha256$i=1000$$Cz78GRlfj0LUfksukOwqmt/lYK9K1YgEx2AEJhWZyro",
        "$pbkdf2-sha256$i=1000$+7/V/jt+nvj3s26bvbHz/w$=",
      })
  void hash_that_parses_but_can_never_verify_is_described_as_unusable(String hash) {
    assertThat(SecretHashes.describe(hash)).isNotNull();
  }

  @Test
  void null_secret_is_refused_without_throwing() {
    String hash = HASHES.hash("s3cret");

    assertThatCode(() -> HASHES.verify(null, hash)).doesNotThrowAnyException();
    assertThat(HASHES.verify(null, hash)).isFalse();
  }

  @Test
  void generated_secret_is_256_bits_of_base64url() {
    String secret = SecretHashes.generateSecret(new SecureRandom());

    assertThat(secret).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(SecretHashes.generateSecret(new SecureRandom())).isNotEqualTo(secret);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "$2b$17$jE5tUOCf9p9XqFUIXr9LZe6N3gYhs6GS.xDGaGZ4W/UjQtj5vRN2a",
        "$pbkdf2-sha256$i=2000000000$+7/V/jt+nvj3s26bvbHz/w$Cz78GRlfj0LUfksukOwqmt/lYK9K1YgEx2AEJhWZyro",
        "$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQxMjM0$nueVszpMIsOW/6dCv55wUVZ2iJS2zJlbfHlwmZbYdd4",
        "$argon2id$v=19$m=4096,t=100,p=1$c29tZXNhbHQxMjM0$nueVszpMIsOW/6dCv55wUVZ2iJS2zJlbfHlwmZbYdd4",
        "$argon2id$v=19$m=1048576,t=2,p=1$c29tZXNhbHQxMjM0$nueVszpMIsOW/6dCv55wUVZ2iJS2zJlbfHlwmZbYdd4",
        "$pbkdf2-sha256$i=1000$+7/V/jt+nvj3s26bvbHz/w$"
            + "Cz78GRlfj0LUfksukOwqmt/lYK9K1YgEx2AEJhWZyroCz78GRlfj0LUfksukOwqmt/lYK9K1YgEx2AEJhWZyro"
            + "Cz78GRlfj0LUfksukOwqmt/lYK9K1YgEx2AEJhWZyro",
      })
  void hash_too_costly_to_check_is_refused_and_never_checked(String hash) {
    assertThat(SecretHashes.describe(hash)).isNotNull();
    assertThat(HASHES.verify("anything", hash)).isFalse();
  }
}
