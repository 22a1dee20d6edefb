package io.idxauth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.nimbusds.jose.JOSEObjectType;
import io.idxauth.core.KeyEncryptionKey;
import io.idxauth.core.KeyPolicy;
import io.idxauth.core.KeyRing;
import io.idxauth.core.SealedSigningKey;
import io.idxauth.core.SigningKeyRepository;
import io.idxauth.store.testing.TestDatabases;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing keys in a real SQLite file, opened by two processes (two {@link Database}s) as two
 * instances of the service would.
 */
class JdbcSigningKeysTest {

  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dataDir;

  private Database oneProcess;
  private Database otherProcess;
  private JdbcStore store;
  private JdbcSigningKeys keys;
  private JdbcSigningKeys otherKeys;

  @BeforeEach
  void open() {
    oneProcess = TestDatabases.open(dataDir);
    otherProcess = TestDatabases.open(dataDir);
    store = new JdbcStore(oneProcess);
    keys = new JdbcSigningKeys(store);
    otherKeys = new JdbcSigningKeys(new JdbcStore(otherProcess));
  }

  @AfterEach
  void close() {
    otherProcess.close();
    oneProcess.close();
  }

  @Test
  void stored_key_reads_back_as_written() {
    SealedSigningKey key = key("first", NOW, NOW.plusSeconds(60));

    assertThat(keys.addSigningKey(key, 0)).isTrue();

    SealedSigningKey read = otherKeys.signingKeys().get(0);
    assertThat(read).usingRecursiveComparison().ignoringFields("sealedPrivateKey").isEqualTo(key);
    assertThat(read.sealedPrivateKey()).isEqualTo(key.sealedPrivateKey());
  }

  @Test
  void rotation_retires_every_signing_key_when_the_next_activates_and_bumps_the_revision() {
    keys.addSigningKey(key("first", NOW, null), 0);
    long revision = store.revision();
    SealedSigningKey next = key("second", NOW.plusSeconds(3600), null);

    assertThat(keys.rotate(next, "first")).isTrue();

    assertThat(otherKeys.signingKeys())
        .extracting(SealedSigningKey::kid, SealedSigningKey::retires)
        .containsExactly(tuple("first", next.activates()), tuple("second", null));
    assertThat(store.revision()).isEqualTo(revision + 1);
  }

  @Test
  void rotation_keeps_an_earlier_retirement() {
    Instant earlier = NOW.plusSeconds(60);
    keys.addSigningKey(key("first", NOW, earlier), 0);

    keys.rotate(key("second", NOW.plusSeconds(3600), null), "first");

    assertThat(keys.signingKeys().get(0).retires()).isEqualTo(earlier);
  }

  @Test
  void rotation_is_refused_when_another_key_became_the_newest() {
    keys.addSigningKey(key("first", NOW, null), 0);
    keys.rotate(key("second", NOW.plusSeconds(3600), null), "first");
    long revision = store.revision();

    boolean rotated = otherKeys.rotate(key("third", NOW.plusSeconds(7200), null), "first");

    assertThat(rotated).isFalse();
    assertThat(keys.signingKeys())
        .extracting(SealedSigningKey::kid)
        .containsExactly("first", "second");
    assertThat(store.revision()).isEqualTo(revision);
  }

  @Test
  void first_rotation_of_an_empty_store_expects_no_key() {
    assertThat(keys.rotate(key("first", NOW, null), "someone")).isFalse();
    assertThat(keys.rotate(key("first", NOW, null), null)).isTrue();
    assertThat(keys.signingKeys()).extracting(SealedSigningKey::kid).containsExactly("first");
  }

  @Test
  void two_processes_racing_to_rotate_make_exactly_one_key_each_round() throws Exception {
    keys.addSigningKey(key("k00", NOW, null), 0);
    String newest = "k00";
    for (int round = 1; round <= 10; round++) {
      long revision = store.revision();
      Instant activates = NOW.plusSeconds(3600L * round);
      SealedSigningKey mine = key("k" + round + "a", activates, null);
      SealedSigningKey theirs = key("k" + round + "b", activates, null);
      String expected = newest;

      List<Boolean> won =
          race(() -> keys.rotate(mine, expected), () -> otherKeys.rotate(theirs, expected));

      assertThat(won).containsExactlyInAnyOrder(true, false);
      List<SealedSigningKey> stored = keys.signingKeys();
      assertThat(stored).hasSize(round + 1);
      assertThat(stored.stream().filter(k -> k.retires() == null)).hasSize(1);
      assertThat(store.revision()).isEqualTo(revision + 1);
      newest = stored.getLast().kid();
    }
  }

  @Test
  void two_processes_racing_to_make_the_first_key_make_exactly_one() throws Exception {
    for (int round = 0; round < 10; round++) {
      keys.removeSigningKeys(keys.signingKeys().stream().map(SealedSigningKey::kid).toList());
      SealedSigningKey mine = key("first" + round + "a", NOW, null);
      SealedSigningKey theirs = key("first" + round + "b", NOW, null);

      List<Boolean> won =
          race(() -> keys.addSigningKey(mine, 0), () -> otherKeys.addSigningKey(theirs, 0));

      assertThat(won).containsExactlyInAnyOrder(true, false);
      assertThat(keys.signingKeys()).hasSize(1);
    }
  }

  @Test
  void two_key_rings_on_one_file_rotating_at_once_make_exactly_one_key() throws Exception {
    KeyEncryptionKey kek =
        KeyEncryptionKey.fromBase64(KeyEncryptionKey.generateBase64(new SecureRandom()));
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    CyclicBarrier bothHaveReadAndGenerated = new CyclicBarrier(2);
    KeyRing one = ring(new AfterBarrier(keys, bothHaveReadAndGenerated), kek, clock);
    KeyRing other = ring(new AfterBarrier(otherKeys, bothHaveReadAndGenerated), kek, clock);
    long revision = store.revision();

    List<Object> outcomes = race(() -> rotateOrRefusal(one), () -> rotateOrRefusal(other));

    assertThat(keys.signingKeys()).hasSize(2);
    assertThat(outcomes).filteredOn(KeyRing.KeyInfo.class::isInstance).hasSize(1);
    assertThat(outcomes).filteredOn(KeyRing.RotationPending.class::isInstance).hasSize(1);
    assertThat(one.jwksJson()).isEqualTo(other.jwksJson());
    assertThat(store.revision()).isEqualTo(revision + 1);
  }

  @Test
  void removed_keys_are_gone_and_the_revision_is_bumped_once() {
    keys.addSigningKey(key("first", NOW, NOW.plusSeconds(60)), 0);
    keys.rotate(key("second", NOW.plusSeconds(60), null), "first");
    long revision = store.revision();

    assertThat(otherKeys.removeSigningKeys(List.of("first", "unknown"))).isEqualTo(1);
    assertThat(keys.removeSigningKeys(List.of("first"))).isZero();

    assertThat(keys.signingKeys()).extracting(SealedSigningKey::kid).containsExactly("second");
    assertThat(store.revision()).isEqualTo(revision + 1);
  }

  private static KeyRing ring(SigningKeyRepository repository, KeyEncryptionKey kek, Clock clock)
      throws KeyEncryptionKey.KeyUnsealException {
    return KeyRing.open(repository, kek, null, JOSEObjectType.JWT, KeyPolicy.DEFAULT, clock);
  }

  private static Object rotateOrRefusal(KeyRing ring) throws Exception {
    try {
      return ring.rotate();
    } catch (KeyRing.RotationPending e) {
      return e;
    }
  }

  /** Runs both at once, in two threads, and returns what each returned, in order. */
  private static <T> List<T> race(Callable<T> first, Callable<T> second) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    List<T> out = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : List.of(first, second)) {
        futures.add(
            threads.submit(
                () -> {
                  start.await(30, TimeUnit.SECONDS);
                  return task.call();
                }));
      }
      for (Future<T> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
    }
    return out;
  }

  private static SealedSigningKey key(String kid, Instant activates, Instant retires) {
    byte[] sealed = new byte[64];
    RANDOM.nextBytes(sealed);
    return new SealedSigningKey(
        kid, "{\"kty\":\"RSA\",\"kid\":\"" + kid + "\"}", sealed, NOW, activates, retires);
  }

  /**
   * The store, holding each rotation until both rings have read the store and made their key, so
   * that both compare-and-sets really race.
   */
  private record AfterBarrier(SigningKeyRepository store, CyclicBarrier barrier)
      implements SigningKeyRepository {

    @Override
    public List<SealedSigningKey> signingKeys() {
      return store.signingKeys();
    }

    @Override
    public boolean addSigningKey(SealedSigningKey key, int expectedCount) {
      return store.addSigningKey(key, expectedCount);
    }

    @Override
    public boolean rotate(SealedSigningKey next, String expectedNewestKid) {
      try {
        barrier.await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return store.rotate(next, expectedNewestKid);
    }

    @Override
    public int removeSigningKeys(Collection<String> kids) {
      return store.removeSigningKeys(kids);
    }
  }
}
