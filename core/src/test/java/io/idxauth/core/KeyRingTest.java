package io.idxauth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.idxauth.core.testing.MutableClock;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyRingTest {

  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Duration PROPAGATION = KeyPolicy.DEFAULT.propagation();
  private static final Duration RETIRED_PUBLICATION = KeyPolicy.DEFAULT.retiredPublication();
  private static final Duration ROTATION_INTERVAL = KeyPolicy.DEFAULT.rotationInterval();
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

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
  void key_a_racing_process_made_a_moment_after_our_clock_read_is_used() throws Exception {
    InMemorySigningKeys elsewhere = new InMemorySigningKeys();
    String winner =
        open(elsewhere, kek, Clock.fixed(NOW.plusMillis(50), ZoneOffset.UTC)).active().kid();
    MutableClock ours = new MutableClock(NOW);
    SigningKeyRepository racing =
        new InMemorySigningKeys() {
          @Override
          public synchronized boolean addSigningKey(SealedSigningKey key, int expectedCount) {
            keys.addAll(elsewhere.keys); // the other process commits first, at NOW + 50 ms
            ours.advance(Duration.ofMillis(100));
            return super.addSigningKey(key, expectedCount);
          }
        };

    KeyRing ring = open(racing, kek, ours);

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

  // --- rotation ----------------------------------------------------------------------------------

  @Test
  void default_policy_rotates_every_90_days_publishes_1_hour_ahead_and_24_hours_after() {
    assertThat(KeyPolicy.DEFAULT)
        .isEqualTo(new KeyPolicy(Duration.ofDays(90), Duration.ofHours(1), Duration.ofHours(24)));
  }

  @Test
  void negative_policy_durations_are_refused() {
    Duration negative = Duration.ofSeconds(-1);

    assertThatThrownBy(() -> new KeyPolicy(negative, PROPAGATION, RETIRED_PUBLICATION))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rotationInterval");
    assertThatThrownBy(() -> new KeyPolicy(ROTATION_INTERVAL, negative, RETIRED_PUBLICATION))
        .hasMessageContaining("propagation");
    assertThatThrownBy(() -> new KeyPolicy(ROTATION_INTERVAL, PROPAGATION, negative))
        .hasMessageContaining("retiredPublication");
  }

  @Test
  void new_key_is_published_before_it_signs() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    KeyRing ring = open(repository, clock);
    String old = ring.active().kid();

    KeyRing.KeyInfo next = ring.rotate();

    assertThat(next.state()).isEqualTo(KeyRing.KeyInfo.State.PENDING);
    assertThat(next.activates()).isEqualTo(NOW.plus(PROPAGATION));
    assertThat(ring.active().kid()).isEqualTo(old);
    assertThat(kids(ring.jwksJson())).containsExactly(old, next.kid());

    clock.advance(PROPAGATION.minus(ONE_SECOND));
    ring.maintain();

    assertThat(ring.active().kid()).isEqualTo(old);
  }

  @Test
  void new_key_signs_once_the_propagation_period_has_passed() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    KeyRing ring = open(repository, clock);
    String old = ring.active().kid();
    KeyRing.KeyInfo next = ring.rotate();

    clock.advance(PROPAGATION);
    ring.maintain();

    assertThat(ring.active().kid()).isEqualTo(next.kid());
    assertThat(ring.active().header().getKeyID()).isEqualTo(next.kid());
    assertThat(kids(ring.jwksJson())).containsExactly(next.kid(), old);
  }

  @Test
  void rotation_retires_the_signing_key_when_the_new_key_activates() throws Exception {
    KeyRing ring = open(repository, new MutableClock(NOW));
    String old = ring.active().kid();

    KeyRing.KeyInfo next = ring.rotate();

    assertThat(ring.keys())
        .extracting(KeyRing.KeyInfo::kid, k -> k.state().wireName(), KeyRing.KeyInfo::retires)
        .containsExactly(
            tuple(next.kid(), "pending", null), tuple(old, "active", next.activates()));
    assertThat(ring.keys().get(1).publishedUntil())
        .isEqualTo(next.activates().plus(RETIRED_PUBLICATION));
    assertThat(next.publishedUntil()).isNull();
  }

  @Test
  void retired_key_stays_published_until_its_tokens_have_expired_then_leaves_the_store()
      throws Exception {
    MutableClock clock = new MutableClock(NOW);
    KeyRing ring = open(repository, clock);
    String old = ring.active().kid();
    KeyRing.KeyInfo next = ring.rotate();
    clock.advance(PROPAGATION);
    ring.maintain();

    clock.advance(RETIRED_PUBLICATION.minus(ONE_SECOND));
    ring.maintain();

    assertThat(ring.keys().get(1).state()).isEqualTo(KeyRing.KeyInfo.State.RETIRED);
    assertThat(kids(ring.jwksJson())).containsExactly(next.kid(), old);
    assertThat(repository.keys).extracting(SealedSigningKey::kid).contains(old);

    int revision = repository.revision;
    clock.advance(ONE_SECOND);
    ring.maintain();

    assertThat(kids(ring.jwksJson())).containsExactly(next.kid());
    assertThat(repository.keys).extracting(SealedSigningKey::kid).containsExactly(next.kid());
    assertThat(ring.keys()).extracting(KeyRing.KeyInfo::kid).containsExactly(next.kid());
    assertThat(repository.revision).isEqualTo(revision + 1);
  }

  @Test
  void scheduled_rotation_fires_after_the_rotation_interval_and_not_before() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    KeyRing ring = open(repository, clock);
    String first = ring.active().kid();

    clock.advance(ROTATION_INTERVAL.minus(ONE_SECOND));
    assertThat(ring.maintain()).isEmpty();
    assertThat(repository.keys).hasSize(1);

    clock.advance(ONE_SECOND);
    Optional<KeyRing.KeyInfo> rotated = ring.maintain();

    assertThat(rotated).isPresent();
    assertThat(rotated.get().state()).isEqualTo(KeyRing.KeyInfo.State.PENDING);
    assertThat(rotated.get().activates()).isEqualTo(clock.instant().plus(PROPAGATION));
    assertThat(ring.active().kid()).isEqualTo(first);
    assertThat(kids(ring.jwksJson())).containsExactly(first, rotated.get().kid());
    assertThat(ring.maintain()).isEmpty();
    assertThat(repository.keys).hasSize(2);
  }

  @Test
  void next_scheduled_rotation_counts_from_the_activation_of_the_new_key() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    KeyRing ring = open(repository, clock);
    clock.advance(ROTATION_INTERVAL);
    KeyRing.KeyInfo second = ring.maintain().orElseThrow();

    clock.advance(PROPAGATION.plus(ROTATION_INTERVAL).minus(ONE_SECOND));
    assertThat(ring.maintain()).isEmpty();
    clock.advance(ONE_SECOND);
    KeyRing.KeyInfo third = ring.maintain().orElseThrow();

    assertThat(third.activates())
        .isEqualTo(second.activates().plus(ROTATION_INTERVAL).plus(PROPAGATION));
    assertThat(ring.active().kid()).isEqualTo(second.kid());
  }

  @Test
  void no_scheduled_rotation_when_the_interval_is_zero() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    KeyPolicy manual = new KeyPolicy(Duration.ZERO, PROPAGATION, RETIRED_PUBLICATION);
    KeyRing ring = KeyRing.open(repository, kek, null, JOSEObjectType.JWT, manual, clock);

    clock.advance(Duration.ofDays(3650));

    assertThat(ring.maintain()).isEmpty();
    assertThat(repository.keys).hasSize(1);
  }

  @Test
  void with_no_propagation_period_the_new_key_signs_at_once() throws Exception {
    KeyPolicy immediate = new KeyPolicy(ROTATION_INTERVAL, Duration.ZERO, RETIRED_PUBLICATION);
    KeyRing ring = KeyRing.open(repository, kek, null, JOSEObjectType.JWT, immediate, CLOCK);
    String old = ring.active().kid();

    KeyRing.KeyInfo next = ring.rotate();

    assertThat(next.state()).isEqualTo(KeyRing.KeyInfo.State.ACTIVE);
    assertThat(ring.active().kid()).isEqualTo(next.kid());
    assertThat(kids(ring.jwksJson())).containsExactly(next.kid(), old);
  }

  @Test
  void rotation_while_a_key_is_pending_is_refused_with_that_key() throws Exception {
    KeyRing ring = open(repository, new MutableClock(NOW));
    KeyRing.KeyInfo pending = ring.rotate();

    assertThatThrownBy(ring::rotate)
        .isInstanceOfSatisfying(
            KeyRing.RotationPending.class, e -> assertThat(e.pending()).isEqualTo(pending))
        .hasMessageContaining(pending.kid());
    assertThat(repository.keys).hasSize(2);
  }

  @Test
  void two_rings_rotating_at_once_make_exactly_one_new_key() throws Exception {
    CyclicBarrier bothHaveReadAndGenerated = new CyclicBarrier(2);
    InMemorySigningKeys shared =
        new InMemorySigningKeys() {
          @Override
          public boolean rotate(SealedSigningKey next, String expectedNewestKid) {
            try {
              bothHaveReadAndGenerated.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new AssertionError(e);
            }
            return super.rotate(next, expectedNewestKid);
          }
        };
    KeyRing one = open(shared, CLOCK);
    KeyRing other = open(shared, CLOCK);

    List<Object> outcomes = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      List<Future<Object>> futures = new ArrayList<>();
      for (KeyRing ring : List.of(one, other)) {
        futures.add(threads.submit(() -> rotateOrRefusal(ring)));
      }
      for (Future<Object> f : futures) {
        outcomes.add(f.get(60, TimeUnit.SECONDS));
      }
    }

    assertThat(shared.keys).hasSize(2);
    KeyRing.KeyInfo winner =
        outcomes.stream()
            .filter(KeyRing.KeyInfo.class::isInstance)
            .map(KeyRing.KeyInfo.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(outcomes)
        .filteredOn(KeyRing.RotationPending.class::isInstance)
        .singleElement()
        .extracting(e -> ((KeyRing.RotationPending) e).pending().kid())
        .isEqualTo(winner.kid());
    assertThat(kids(one.jwksJson())).isEqualTo(kids(other.jwksJson())).contains(winner.kid());
  }

  @Test
  void scheduled_rotation_already_done_by_another_process_is_not_repeated() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    KeyRing one = open(repository, clock);
    KeyRing other = open(repository, clock);
    clock.advance(ROTATION_INTERVAL);

    KeyRing.KeyInfo rotated = one.maintain().orElseThrow();

    assertThat(other.maintain()).isEmpty();
    assertThat(repository.keys).hasSize(2);
    assertThat(kids(other.jwksJson())).contains(rotated.kid());
  }

  @Test
  void ring_opened_during_propagation_publishes_the_pending_key_and_switches_at_activation()
      throws Exception {
    MutableClock clock = new MutableClock(NOW);
    KeyRing before = open(repository, clock);
    String old = before.active().kid();
    KeyRing.KeyInfo next = before.rotate();
    clock.advance(PROPAGATION.dividedBy(2));

    KeyRing restarted = open(repository, clock);

    assertThat(restarted.active().kid()).isEqualTo(old);
    assertThat(kids(restarted.jwksJson())).containsExactly(old, next.kid());
    assertThat(repository.keys).hasSize(2);

    clock.advance(PROPAGATION.dividedBy(2));
    restarted.maintain();

    assertThat(restarted.active().kid()).isEqualTo(next.kid());
  }

  @Test
  void ring_opened_after_the_switch_keeps_publishing_the_retired_key_until_its_time()
      throws Exception {
    MutableClock clock = new MutableClock(NOW);
    KeyRing before = open(repository, clock);
    String old = before.active().kid();
    KeyRing.KeyInfo next = before.rotate();
    clock.advance(PROPAGATION.plus(Duration.ofHours(2)));

    KeyRing restarted = open(repository, clock);

    assertThat(restarted.active().kid()).isEqualTo(next.kid());
    assertThat(kids(restarted.jwksJson())).containsExactly(next.kid(), old);
    assertThat(restarted.keys().get(1).publishedUntil())
        .isEqualTo(next.activates().plus(RETIRED_PUBLICATION));
  }

  @Test
  void ring_opened_after_publication_ended_leaves_the_key_out_and_deletes_it() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    KeyRing before = open(repository, clock);
    KeyRing.KeyInfo next = before.rotate();
    clock.advance(PROPAGATION.plus(RETIRED_PUBLICATION));

    KeyRing restarted = open(repository, clock);

    assertThat(kids(restarted.jwksJson())).containsExactly(next.kid());
    assertThat(repository.keys).hasSize(2);

    restarted.maintain();

    assertThat(repository.keys).extracting(SealedSigningKey::kid).containsExactly(next.kid());
  }

  @Test
  void maintain_reads_nothing_from_the_store_when_nothing_is_due() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    InMemorySigningKeys counting =
        new InMemorySigningKeys() {
          @Override
          public synchronized List<SealedSigningKey> signingKeys() {
            reads.incrementAndGet();
            return super.signingKeys();
          }

          @Override
          public synchronized int removeSigningKeys(Collection<String> kids) {
            throw new AssertionError("nothing to remove");
          }
        };
    MutableClock clock = new MutableClock(NOW);
    KeyRing ring = open(counting, clock);
    ring.rotate();
    int afterRotation = reads.get();

    for (int i = 0; i < 100; i++) {
      clock.advance(Duration.ofSeconds(5));
      ring.maintain();
    }

    assertThat(clock.instant()).isBefore(NOW.plus(PROPAGATION));
    assertThat(reads.get()).isEqualTo(afterRotation);
  }

  @Test
  void key_created_while_another_waits_retires_when_that_one_activates() throws Exception {
    SealedSigningKey waiting = keyActivatingAt(NOW.plusSeconds(60));
    repository.keys.add(waiting);

    KeyRing ring = open(repository, new MutableClock(NOW));

    assertThat(repository.keys).hasSize(2);
    assertThat(ring.keys())
        .extracting(KeyRing.KeyInfo::state)
        .containsExactly(KeyRing.KeyInfo.State.PENDING, KeyRing.KeyInfo.State.ACTIVE);
    assertThat(ring.keys().get(1).retires()).isEqualTo(waiting.activates());
  }

  private static Object rotateOrRefusal(KeyRing ring) throws Exception {
    try {
      return ring.rotate();
    } catch (KeyRing.RotationPending e) {
      return e;
    }
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

  private KeyRing open(SigningKeyRepository repository, Clock clock)
      throws KeyEncryptionKey.KeyUnsealException {
    return KeyRing.open(repository, kek, null, JOSEObjectType.JWT, KeyPolicy.DEFAULT, clock);
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
