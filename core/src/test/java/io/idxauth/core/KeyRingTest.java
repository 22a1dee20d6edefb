package io.idxauth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyRingTest {

  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final KeyEncryptionKey kek = newKek();
  private final InMemorySigningKeys repository = new InMemorySigningKeys();

  @Test
  void first_open_creates_exactly_one_key() throws Exception {
    KeyRing ring = open(repository, kek, CLOCK);

    assertThat(repository.keys).hasSize(1);
    SealedSigningKey stored = repository.keys.get(0);
    assertThat(ring.active().kid()).isEqualTo(stored.kid());
    assertThat(stored.created()).isEqualTo(NOW);
    assertThat(stored.activates()).isEqualTo(NOW);
    assertThat(stored.retires()).isNull();
  }

  @Test
  void second_open_reuses_the_stored_key() throws Exception {
    String first = open(repository, kek, CLOCK).active().kid();

    KeyRing again = open(repository, kek, Clock.fixed(NOW.plusSeconds(3600), ZoneOffset.UTC));

    assertThat(repository.keys).hasSize(1);
    assertThat(again.active().kid()).isEqualTo(first);
  }

  @Test
  void kid_is_the_rfc7638_thumbprint_of_the_public_key() throws Exception {
    KeyRing ring = open(repository, kek, CLOCK);
    Map<String, Object> jwk = onlyKey(ring.jwksJson());

    // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
    String canonical =
        "{\"e\":\"" + jwk.get("e") + "\",\"kty\":\"RSA\",\"n\":\"" + jwk.get("n") + "\"}";
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));

    assertThat(ring.active().kid())
        .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
  }

  @Test
  void jwks_publishes_the_public_key_with_its_kid_and_nothing_private() throws Exception {
    KeyRing ring = open(repository, kek, CLOCK);

    Map<String, Object> jwk = onlyKey(ring.jwksJson());

    assertThat(jwk)
        .containsEntry("kty", "RSA")
        .containsEntry("kid", ring.active().kid())
        .containsEntry("use", "sig")
        .containsEntry("alg", "RS256")
        .containsKeys("n", "e")
        .doesNotContainKeys("d", "p", "q", "dp", "dq", "qi", "oth");
    assertThat(ring.jwksJson()).doesNotContain("\"d\"", "\"p\"", "\"q\"");
  }

  @Test
  void stored_private_key_is_sealed_under_its_kid_and_pairs_with_the_published_key()
      throws Exception {
    KeyRing ring = open(repository, kek, CLOCK);
    SealedSigningKey stored = repository.keys.get(0);

    byte[] pkcs8 = kek.unseal(stored.sealedPrivateKey(), stored.kid());
    RSAPrivateCrtKey privateKey =
        (RSAPrivateCrtKey)
            KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    Map<String, Object> jwk = onlyKey(ring.jwksJson());

    assertThat(privateKey.getModulus()).isEqualTo(unsigned((String) jwk.get("n")));
    assertThat(privateKey.getModulus().bitLength()).isEqualTo(2048);
    assertThat(privateKey.getPublicExponent()).isEqualTo(unsigned((String) jwk.get("e")));
  }

  @Test
  void header_is_rs256_typed_jwt_with_the_kid() throws Exception {
    KeyRing ring = open(repository, kek, CLOCK);

    assertThat(ring.active().header().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(ring.active().header().getType()).isEqualTo(JOSEObjectType.JWT);
    assertThat(ring.active().header().getKeyID()).isEqualTo(ring.active().kid());
  }

  @Test
  void header_is_typed_at_jwt_when_asked() throws Exception {
    KeyRing ring = KeyRing.open(repository, kek, null, new JOSEObjectType("at+jwt"), CLOCK);

    assertThat(ring.active().header().getType().getType()).isEqualTo("at+jwt");
  }

  @Test
  void store_opened_with_another_key_encryption_key_is_refused() throws Exception {
    open(repository, kek, CLOCK);

    assertThatThrownBy(() -> open(repository, newKek(), CLOCK))
        .isInstanceOf(KeyEncryptionKey.KeyUnsealException.class)
        .hasMessageContaining(repository.keys.get(0).kid());
    assertThat(repository.keys).hasSize(1);
  }

  @Test
  void retired_key_stays_published_and_a_new_key_signs() throws Exception {
    open(repository, kek, CLOCK);
    SealedSigningKey old = repository.keys.get(0);
    repository.keys.set(0, retired(old, NOW.plusSeconds(60)));

    Instant later = NOW.plus(Duration.ofDays(1));
    KeyRing ring = open(repository, kek, Clock.fixed(later, ZoneOffset.UTC));

    assertThat(repository.keys).hasSize(2);
    assertThat(ring.active().kid()).isNotEqualTo(old.kid());
    assertThat(repository.keys.get(1).activates()).isEqualTo(later);
    assertThat(kids(ring.jwksJson())).containsExactlyInAnyOrder(old.kid(), ring.active().kid());
  }

  @Test
  void key_that_retires_later_still_signs() throws Exception {
    open(repository, kek, CLOCK);
    SealedSigningKey current = repository.keys.get(0);
    repository.keys.set(0, retired(current, NOW.plusSeconds(60)));

    KeyRing ring = open(repository, kek, CLOCK);

    assertThat(repository.keys).hasSize(1);
    assertThat(ring.active().kid()).isEqualTo(current.kid());
  }

  @Test
  void key_created_by_a_racing_process_is_used_when_ours_loses() throws Exception {
    InMemorySigningKeys elsewhere = new InMemorySigningKeys();
    String winner = open(elsewhere, kek, CLOCK).active().kid();
    SigningKeyRepository racing =
        new InMemorySigningKeys() {
          @Override
          public synchronized boolean addSigningKey(SealedSigningKey key, int expectedCount) {
            keys.addAll(elsewhere.keys); // the other process commits first
            return super.addSigningKey(key, expectedCount);
          }
        };

    KeyRing ring = open(racing, kek, CLOCK);

    assertThat(racing.signingKeys()).hasSize(1);
    assertThat(ring.active().kid()).isEqualTo(winner);
  }

  @Test
  void reload_picks_up_a_key_that_another_process_rotated_in() throws Exception {
    open(repository, kek, CLOCK);
    String first = repository.keys.get(0).kid();
    KeyRing ring = open(repository, kek, Clock.fixed(NOW.plusSeconds(10), ZoneOffset.UTC));
    SealedSigningKey rotated = keyActivatingAt(NOW.plusSeconds(1));
    repository.keys.add(rotated);

    ring.reload();

    assertThat(ring.active().kid()).isNotEqualTo(first).isEqualTo(rotated.kid());
    assertThat(kids(ring.jwksJson())).containsExactlyInAnyOrder(first, rotated.kid());
  }

  @Test
  void key_activating_later_is_published_but_does_not_sign_yet() throws Exception {
    KeyRing ring = open(repository, kek, CLOCK);
    String first = ring.active().kid();
    SealedSigningKey next = keyActivatingAt(NOW.plusSeconds(1));
    repository.keys.add(next);

    ring.reload();

    assertThat(repository.keys).hasSize(2);
    assertThat(ring.active().kid()).isEqualTo(first);
    assertThat(kids(ring.jwksJson())).containsExactlyInAnyOrder(first, next.kid());
  }

  /** A key made by another process under the same key-encryption key. */
  private SealedSigningKey keyActivatingAt(Instant activates) throws Exception {
    InMemorySigningKeys other = new InMemorySigningKeys();
    open(other, kek, Clock.fixed(activates, ZoneOffset.UTC));
    return other.keys.get(0);
  }

  private static KeyRing open(SigningKeyRepository repository, KeyEncryptionKey kek, Clock clock)
      throws KeyEncryptionKey.KeyUnsealException {
    return KeyRing.open(repository, kek, null, JOSEObjectType.JWT, clock);
  }

  private static SealedSigningKey retired(SealedSigningKey key, Instant retires) {
    return new SealedSigningKey(
        key.kid(),
        key.publicJwk(),
        key.sealedPrivateKey(),
        key.created(),
        key.activates(),
        retires);
  }

  private static KeyEncryptionKey newKek() {
    return KeyEncryptionKey.fromBase64(KeyEncryptionKey.generateBase64(new SecureRandom()));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> keys(String jwksJson) throws Exception {
    return (List<Map<String, Object>>) JSONObjectUtils.parse(jwksJson).get("keys");
  }

  private static Map<String, Object> onlyKey(String jwksJson) throws Exception {
    List<Map<String, Object>> keys = keys(jwksJson);
    assertThat(keys).hasSize(1);
    return keys.get(0);
  }

  private static List<Object> kids(String jwksJson) throws Exception {
    return keys(jwksJson).stream().map(k -> k.get("kid")).toList();
  }

  private static BigInteger unsigned(String base64url) {
    return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
  }
}
