package io.idxauth.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks presented secrets against stored slow hashes without paying the slow hash on every
 * request. After one successful slow check it remembers an HMAC-SHA256 of the secret under a key
 * that lives only in this process's memory; a later presentation that produces the same digest is
 * accepted at the cost of one HMAC. A wrong secret never matches the digest and always pays the
 * slow hash, so guessing stays as expensive as the hash makes it.
 */
public final class SecretVerifier {

  private final SecretHashes hashes;
  private final SecretKeySpec digestKey;
  private final ThreadLocal<Mac> mac;

  /** Digest of the last secret that passed the slow check, per stored hash. */
  private final Cache<String, byte[]> verified;

  /** A hash of the same cost as new secrets, checked when there is no account to check against. */
  private final String dummyHash;

  private final java.util.concurrent.atomic.LongAdder slowChecks =
      new java.util.concurrent.atomic.LongAdder();

  public SecretVerifier(SecretHashes hashes, long maxRemembered) {
    this.hashes = hashes;
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.digestKey = new SecretKeySpec(key, "HmacSHA256");
    this.mac = ThreadLocal.withInitial(this::newMac);
    this.verified = Caffeine.newBuilder().maximumSize(maxRemembered).build();
    this.dummyHash = hashes.hash(SecretHashes.generateSecret(new SecureRandom()));
  }

  /** True when {@code presented} is the secret that {@code secret} holds the hash of. */
  public boolean matches(ClientSecret secret, String presented) {
    byte[] digest = digest(presented);
    byte[] known = verified.getIfPresent(secret.hash());
    if (known != null && MessageDigest.isEqual(known, digest)) {
      return true;
    }
    slowChecks.increment();
    if (hashes.verify(presented, secret.hash())) {
      verified.put(secret.hash(), digest);
      return true;
    }
    return false;
  }

  /**
   * Pays the cost of one slow check for nothing, so an unknown client costs what a wrong secret
   * does.
   */
  public void burn(String presented) {
    slowChecks.increment();
    hashes.verify(presented, dummyHash);
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
