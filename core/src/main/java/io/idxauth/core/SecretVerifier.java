package io.idxauth.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks presented secrets against stored slow hashes without paying the slow hash on every
 * request. After one successful slow check it remembers an HMAC-SHA256 of the secret under a key
 * that lives only in this process's memory; a later presentation that produces the same digest is
 * accepted at the cost of one HMAC. A wrong secret never matches the digest and always pays the
 * slow hash, so guessing stays as expensive as the hash makes it.
 *
 * <p>Slow checks run in a lane of their own: at most {@code slowConcurrency} at a time, each
 * waiting at most {@code slowWait} for its turn, so a flood of wrong secrets cannot take the CPU
 * that remembered secrets need. Past the wait a check is refused with {@link Busy}.
 */
public final class SecretVerifier {

  private final SecretHashes hashes;
  private final SecretKeySpec digestKey;
  private final ThreadLocal<Mac> mac;

  /** Digest of the last secret that passed the slow check, per stored hash. */
  private final Cache<String, byte[]> verified;

  /**
   * A hash of the same cost as new secrets, checked when there is no account to check against; made
   * on first use, so that start-up does not pay for it (two racing first uses make two: harmless).
   */
  private volatile String dummyHash;

  private final LongAdder slowChecks = new LongAdder();

  private final Semaphore slowLane;
  private final long slowWaitNanos;

  /** Too many slow checks are queued: try again shortly. */
  public static final class Busy extends RuntimeException {
    Busy() {
      super("too many secret checks in progress", null, false, false);
    }
  }

  /** A verifier whose slow lane is one check wide, waiting up to two seconds. */
  public SecretVerifier(SecretHashes hashes, long maxRemembered) {
    this(hashes, maxRemembered, 1, Duration.ofSeconds(2));
  }

  public SecretVerifier(
      SecretHashes hashes, long maxRemembered, int slowConcurrency, Duration slowWait) {
    if (slowConcurrency < 1) {
      throw new IllegalArgumentException("slowConcurrency must be at least 1");
    }
    this.slowLane = new Semaphore(slowConcurrency, true);
    this.slowWaitNanos = slowWait.toNanos();
    this.hashes = hashes;
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.digestKey = new SecretKeySpec(key, "HmacSHA256");
    this.mac = ThreadLocal.withInitial(this::newMac);
    this.verified = Caffeine.newBuilder().maximumSize(maxRemembered).build();
  }

  /**
   * True when {@code presented} is the secret that {@code secret} holds the hash of.
   *
   * @throws Busy when the slow lane stayed full for the whole wait
   */
  public boolean matches(ClientSecret secret, String presented) {
    return match(List.of(secret), presented) != null;
  }

  /**
   * The secret among {@code secrets} that {@code presented} is, or {@code null}. Remembered digests
   * are compared first, for all of them, so a client using any of its secrets gets the fast path;
   * only then are the slow hashes paid. With no secret to check, one slow check is paid anyway.
   *
   * @throws Busy when the slow lane stayed full for the whole wait
   */
  public ClientSecret match(List<ClientSecret> secrets, String presented) {
    return match(secrets, presented, () -> true);
  }

  /**
   * As {@link #match(List, String)}, asking {@code gate} again each time a slow check has its turn
   * in the lane, so that a lock set while this request waited stops it before it is evaluated.
   *
   * @throws Busy when the slow lane stayed full for the whole wait before the first slow check
   * @throws GateClosed when {@code gate} says no before a slow check
   */
  public ClientSecret match(List<ClientSecret> secrets, String presented, BooleanSupplier gate) {
    ClientSecret remembered = matchRemembered(secrets, presented);
    if (remembered != null) {
      return remembered;
    }
    if (secrets.isEmpty()) {
      burn(presented);
      return null;
    }
    byte[] digest = digest(presented);
    boolean evaluated = false;
    for (ClientSecret secret : secrets) {
      boolean matches;
      try {
        matches = slowVerify(presented, secret.hash(), gate);
      } catch (Busy e) {
        // A secret already found wrong is a wrong guess: the caller counts it as one.
        if (evaluated) {
          return null;
        }
        throw e;
      }
      evaluated = true;
      if (matches) {
        verified.put(secret.hash(), digest);
        return secret;
      }
    }
    return null;
  }

  /** The secret among {@code secrets} whose remembered digest {@code presented} has, or null. */
  public ClientSecret matchRemembered(List<ClientSecret> secrets, String presented) {
    byte[] digest = digest(presented);
    for (ClientSecret secret : secrets) {
      byte[] known = verified.getIfPresent(secret.hash());
      if (known != null && MessageDigest.isEqual(known, digest)) {
        return secret;
      }
    }
    return null;
  }

  /** A slow check was not made because the caller's gate closed while it waited for the lane. */
  public static final class GateClosed extends RuntimeException {
    GateClosed() {
      super("refused before the slow check", null, false, false);
    }
  }

  /**
   * Pays the cost of one slow check for nothing, so an unknown client costs what a wrong secret
   * does.
   *
   * @throws Busy when the slow lane stayed full for the whole wait
   */
  public void burn(String presented) {
    String dummy = dummyHash;
    if (dummy == null) {
      dummy = hashes.hash(SecretHashes.generateSecret(new SecureRandom()));
      dummyHash = dummy;
    }
    slowVerify(presented, dummy);
  }

  private boolean slowVerify(String presented, String hash) {
    return slowVerify(presented, hash, () -> true);
  }

  private boolean slowVerify(String presented, String hash, BooleanSupplier gate) {
    try {
      if (!slowLane.tryAcquire(slowWaitNanos, TimeUnit.NANOSECONDS)) {
        throw new Busy();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Busy();
    }
    try {
      if (!gate.getAsBoolean()) {
        throw new GateClosed();
      }
      slowChecks.increment();
      return hashes.verify(presented, hash);
    } finally {
      slowLane.release();
    }
  }

  /** How many slow hash checks this verifier has paid for, for metrics. */
  public long slowChecks() {
    return slowChecks.sum();
  }

  private byte[] digest(String presented) {
    return mac.get().doFinal(SecretHashes.utf8(presented));
  }

  private Mac newMac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(digestKey);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
