package io.idxauth.core;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys in use: the one that signs now and the public keys published in the JWKS. Keys
 * are created on first use, kept sealed in the store, opened with the key-encryption key, and
 * rotated on a schedule or on demand.
 *
 * <p>A key's life: published while PENDING for {@link KeyPolicy#propagation()}, then ACTIVE (it
 * signs), then RETIRED when its successor activates, published for {@link
 * KeyPolicy#retiredPublication()} more, then deleted from the store. Every instant of that life is
 * in the store, so any process, started at any moment, reaches the same state.
 */
public final class KeyRing {

  private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
  private static final int RSA_BITS = 2048;

  /** The key that signs, with its signer and the JWS header every token carries. */
  public record ActiveKey(String kid, JWSSigner signer, JWSHeader header) {}

  /**
   * A signing key as this ring saw it at its last reload.
   *
   * @param retires when it stops (or stopped) signing; {@code null} while no successor is scheduled
   * @param publishedUntil when it leaves the JWKS and the store: {@code retires} plus the policy's
   *     retired publication; {@code null} while {@code retires} is
   */
  public record KeyInfo(
      String kid,
      State state,
      Instant created,
      Instant activates,
      Instant retires,
      Instant publishedUntil) {

    /** Where a key is in its life. */
    public enum State {
      /** Published, not signing yet. */
      PENDING,
      /** The key that signs. */
      ACTIVE,
      /** No longer signs; published until the tokens it signed have expired. */
      RETIRED;

      /** The lower-case name used on the wire. */
      public String wireName() {
        return name().toLowerCase(Locale.ROOT);
      }
    }
  }

  /**
   * A rotation was refused because a new key is already waiting to sign (or another process rotated
   * at the same moment): {@link #pending()} is that key.
   */
  public static final class RotationPending extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient KeyInfo pending;

    RotationPending(KeyInfo pending) {
      super(
          "signing key "
              + pending.kid()
              + " is already rotated in and signs from "
              + pending.activates());
      this.pending = pending;
    }

    public KeyInfo pending() {
      return pending;
    }
  }

  /**
   * What the ring serves until the next reload.
   *
   * @param keys every stored key, newest first
   * @param nextChange when the ring must next act: a key activates, retires or leaves the JWKS (in
   *     the past while a key that left is still stored); {@link Instant#MAX} when none will
   */
  private record Snapshot(
      ActiveKey active, String jwksJson, List<KeyInfo> keys, Instant nextChange) {}

  private final SigningKeyRepository repository;
  private final KeyEncryptionKey kek;
  private final Provider provider;
  private final JOSEObjectType tokenType;
  private final KeyPolicy policy;
  private final Clock clock;
  private final Object writeLock = new Object();
  private volatile Snapshot snapshot;

  private KeyRing(
      SigningKeyRepository repository,
      KeyEncryptionKey kek,
      Provider provider,
      JOSEObjectType tokenType,
      KeyPolicy policy,
      Clock clock) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.kek = Objects.requireNonNull(kek, "kek");
    this.provider = provider;
    this.tokenType = Objects.requireNonNull(tokenType, "tokenType");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Opens the keys in the store with the {@linkplain KeyPolicy#DEFAULT default policy}.
   *
   * @throws KeyEncryptionKey.KeyUnsealException when a stored key does not open with {@code kek}
   */
  public static KeyRing open(
      SigningKeyRepository repository,
      KeyEncryptionKey kek,
      Provider provider,
      JOSEObjectType tokenType,
      Clock clock)
      throws KeyEncryptionKey.KeyUnsealException {
    return open(repository, kek, provider, tokenType, KeyPolicy.DEFAULT, clock);
  }

  /**
   * Opens the keys in the store, creating the first one when there is none that can sign now.
   *
   * @param provider the JCA provider that signs, or {@code null} for the JDK's
   * @throws KeyEncryptionKey.KeyUnsealException when a stored key does not open with {@code kek}
   */
  public static KeyRing open(
      SigningKeyRepository repository,
      KeyEncryptionKey kek,
      Provider provider,
      JOSEObjectType tokenType,
      KeyPolicy policy,
      Clock clock)
      throws KeyEncryptionKey.KeyUnsealException {
    KeyRing ring = new KeyRing(repository, kek, provider, tokenType, policy, clock);
    ring.reload();
    return ring;
  }

  /** The key that signs now: one volatile read, for the token path. */
  public ActiveKey active() {
    return snapshot.active();
  }

  /** The RFC 7517 JWK Set of every published key, as JSON, the signing key first. */
  public String jwksJson() {
    return snapshot.jwksJson();
  }

  /** Every stored key, newest first, as of the last reload (so that it agrees with active()). */
  public List<KeyInfo> keys() {
    return snapshot.keys();
  }

  /** Re-reads the store, creating a key first if none can sign now. */
  public void reload() throws KeyEncryptionKey.KeyUnsealException {
    synchronized (writeLock) {
      Instant now = clock.instant();
      List<SealedSigningKey> stored = repository.signingKeys();
      if (signingCandidate(stored, now).isEmpty()) {
        // Signs until a key already waiting activates, if one is, so that it does not linger.
        Instant retires = nextActivation(stored, now).orElse(null);
        SealedSigningKey created = generate(now, now, retires);
        if (repository.addSigningKey(created, stored.size())) {
          LOG.info("created signing key {}", created.kid());
          stored = repository.signingKeys();
        } else {
          // Another instance made it first, a moment after this one read the clock, or on a host
          // whose clock is a little ahead: its key signs from its own now.
          long deadline = System.nanoTime() + LOST_RACE_PATIENCE.toNanos();
          do {
            now = clock.instant();
            stored = repository.signingKeys();
          } while (signingCandidate(stored, now).isEmpty()
              && System.nanoTime() < deadline
              && pause());
        }
      }
      SealedSigningKey current =
          signingCandidate(stored, now)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no signing key can sign now: is this host's clock behind the other"
                              + " instances'?"));
      snapshot = snapshot(stored, current, now);
    }
  }

  /** How long to wait for the key another instance made to sign here: the clocks' disagreement. */
  private static final Duration LOST_RACE_PATIENCE = Duration.ofSeconds(10);

  private static boolean pause() {
    try {
      Thread.sleep(100);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Rotates now, on demand: a new key is published at once and signs after the propagation period;
   * the key that signs now retires at that moment.
   *
   * @return the new key, pending
   * @throws RotationPending when a key is already waiting to sign, or another process rotated
   *     between this ring's read and its write
   */
  public KeyInfo rotate() throws KeyEncryptionKey.KeyUnsealException {
    synchronized (writeLock) {
      Instant now = clock.instant();
      List<SealedSigningKey> stored = repository.signingKeys();
      Optional<SealedSigningKey> newest = stored.stream().max(SealedSigningKey.ACTIVATION_ORDER);
      if (newest.isPresent() && newest.get().activates().isAfter(now)) {
        reload();
        throw new RotationPending(info(newest.get().kid()));
      }
      // DESIGN: "a new key is published in the JWKS before it signs".
      SealedSigningKey next = generate(now, now.plus(policy.propagation()), null);
      if (!repository.rotate(next, newest.map(SealedSigningKey::kid).orElse(null))) {
        reload();
        throw new RotationPending(snapshot.keys().get(0));
      }
      LOG.info(
          "rotated signing keys: {} is published now and signs from {}",
          next.kid(),
          next.activates());
      reload();
      return info(next.kid());
    }
  }

  /**
   * Does what is due, for a caller that runs every few seconds: rotates when the newest key has
   * signed for the rotation interval, deletes keys whose publication has ended, and reloads when a
   * key activated, retired or left the JWKS since the last reload. Costs a clock read and a
   * volatile read when nothing is due.
   *
   * @return the new key when this call rotated
   */
  public Optional<KeyInfo> maintain() throws KeyEncryptionKey.KeyUnsealException {
    Instant now = clock.instant();
    Snapshot seen = snapshot;
    if (!rotationDue(seen, now) && seen.nextChange().isAfter(now)) {
      return Optional.empty();
    }
    synchronized (writeLock) {
      Optional<KeyInfo> rotated = Optional.empty();
      if (rotationDue(snapshot, now)) {
        try {
          rotated = Optional.of(rotate());
        } catch (RotationPending e) {
          LOG.debug("scheduled rotation done elsewhere: {}", e.getMessage());
        }
      }
      if (!snapshot.nextChange().isAfter(now)) {
        // DESIGN: a retired key stays published "until every token it signed has expired".
        List<String> ended =
            snapshot.keys().stream()
                .filter(k -> k.publishedUntil() != null && !k.publishedUntil().isAfter(now))
                .map(KeyInfo::kid)
                .toList();
        if (!ended.isEmpty() && repository.removeSigningKeys(ended) > 0) {
          LOG.info("deleted signing keys whose publication ended: {}", ended);
        }
        reload();
      }
      return rotated;
    }
  }

  private boolean rotationDue(Snapshot current, Instant now) {
    if (!policy.scheduled()) {
      return false;
    }
    Instant newestActivates = current.keys().get(0).activates();
    // A key still pending is the newest, so this also waits for a pending key to sign.
    return !newestActivates.plus(policy.rotationInterval()).isAfter(now);
  }

  private Snapshot snapshot(List<SealedSigningKey> stored, SealedSigningKey current, Instant now)
      throws KeyEncryptionKey.KeyUnsealException {
    Snapshot previous = snapshot;
    ActiveKey active =
        previous != null && previous.active().kid().equals(current.kid())
            ? previous.active()
            : open(current);
    List<KeyInfo> infos = new ArrayList<>();
    List<JWK> published = new ArrayList<>();
    Instant nextChange = Instant.MAX;
    for (SealedSigningKey key :
        stored.stream().sorted(SealedSigningKey.ACTIVATION_ORDER.reversed()).toList()) {
      KeyInfo info = info(key, current, now);
      infos.add(info);
      // RFC 7517 §5: the set a verifier selects from by kid; a key leaves once no token needs it.
      if (info.publishedUntil() == null || info.publishedUntil().isAfter(now)) {
        if (info.state() == KeyInfo.State.ACTIVE) {
          published.addFirst(publicJwk(key));
        } else {
          published.add(publicJwk(key));
        }
      }
      nextChange = earliest(nextChange, nextChange(info, now));
    }
    return new Snapshot(
        active, new JWKSet(List.copyOf(published)).toString(), List.copyOf(infos), nextChange);
  }

  /**
   * When the ring must next act on this key: it activates, retires or leaves the JWKS. A key whose
   * publication has ended but that is still stored is due at once, to be deleted.
   */
  private static Instant nextChange(KeyInfo key, Instant now) {
    Instant next = key.publishedUntil() == null ? Instant.MAX : key.publishedUntil();
    for (Instant t : new Instant[] {key.activates(), key.retires()}) {
      if (t != null && t.isAfter(now)) {
        next = earliest(next, t);
      }
    }
    return next;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private KeyInfo info(SealedSigningKey key, SealedSigningKey current, Instant now) {
    KeyInfo.State state;
    if (key.kid().equals(current.kid())) {
      state = KeyInfo.State.ACTIVE;
    } else if (key.activates().isAfter(now)) {
      state = KeyInfo.State.PENDING;
    } else {
      state = KeyInfo.State.RETIRED;
    }
    Instant publishedUntil =
        key.retires() == null ? null : key.retires().plus(policy.retiredPublication());
    return new KeyInfo(
        key.kid(), state, key.created(), key.activates(), key.retires(), publishedUntil);
  }

  /** The key of this kid as of the last reload, or the newest when another process removed it. */
  private KeyInfo info(String kid) {
    List<KeyInfo> keys = snapshot.keys();
    return keys.stream().filter(k -> k.kid().equals(kid)).findFirst().orElse(keys.get(0));
  }

  /** Among keys that have activated and not retired, the one that activated last. */
  private static Optional<SealedSigningKey> signingCandidate(
      List<SealedSigningKey> keys, Instant now) {
    return keys.stream()
        .filter(k -> !k.activates().isAfter(now))
        .filter(k -> k.retires() == null || k.retires().isAfter(now))
        .max(SealedSigningKey.ACTIVATION_ORDER);
  }

  private static Optional<Instant> nextActivation(List<SealedSigningKey> keys, Instant now) {
    return keys.stream()
        .map(SealedSigningKey::activates)
        .filter(t -> t.isAfter(now))
        .min(Instant::compareTo);
  }

  private ActiveKey open(SealedSigningKey key) throws KeyEncryptionKey.KeyUnsealException {
    byte[] pkcs8 = kek.unseal(key.sealedPrivateKey(), key.kid());
    try {
      // A key made by the signing provider's own factory is native to it, so signing does not
      // translate the key again on every token.
      KeyFactory factory =
          provider == null
              ? KeyFactory.getInstance("RSA")
              : KeyFactory.getInstance("RSA", provider);
      PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      RSASSASigner signer = new RSASSASigner(privateKey);
      if (provider != null) {
        signer.getJCAContext().setProvider(provider);
      }
      JWSHeader header =
          new JWSHeader.Builder(JWSAlgorithm.RS256).type(tokenType).keyID(key.kid()).build();
      return new ActiveKey(key.kid(), signer, header);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored signing key " + key.kid() + " is not RSA", e);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  private static RSAKey publicJwk(SealedSigningKey key) {
    try {
      return RSAKey.parse(key.publicJwk());
    } catch (ParseException e) {
      throw new IllegalStateException("stored public key " + key.kid() + " is not a JWK", e);
    }
  }

  private SealedSigningKey generate(Instant now, Instant activates, Instant retires) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(RSA_BITS);
      KeyPair pair = generator.generateKeyPair();
      RSAKey thumbprinted = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).build();
      // RFC 7638 thumbprint as the kid: stable, unique, and says nothing about the key's owner.
      String kid = thumbprinted.computeThumbprint().toString();
      RSAKey jwk =
          new RSAKey.Builder((RSAPublicKey) pair.getPublic())
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .keyID(kid)
              .build();
      byte[] pkcs8 = pair.getPrivate().getEncoded();
      byte[] sealed = kek.seal(pkcs8, kid);
      Arrays.fill(pkcs8, (byte) 0);
      return new SealedSigningKey(kid, jwk.toJSONString(), sealed, now, activates, retires);
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
  }
}
