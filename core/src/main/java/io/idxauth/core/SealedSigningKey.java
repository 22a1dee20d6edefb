package io.idxauth.core;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A signing key as the store keeps it: the public JWK in clear, the private key (PKCS#8) sealed
 * under the key-encryption key.
 *
 * @param activates when it starts to sign; it is published in the JWKS from creation
 * @param retires when it stops signing, or {@code null} while no successor is scheduled
 */
public record SealedSigningKey(
    String kid,
    String publicJwk,
    byte[] sealedPrivateKey,
    Instant created,
    Instant activates,
    Instant retires) {

  /**
   * Oldest to newest: by {@code activates}, then by kid so that every process agrees on the newest
   * key even when two activate in the same millisecond.
   */
  public static final Comparator<SealedSigningKey> ACTIVATION_ORDER =
      Comparator.comparing(SealedSigningKey::activates).thenComparing(SealedSigningKey::kid);

  public SealedSigningKey {
    Objects.requireNonNull(kid, "kid");
    Objects.requireNonNull(publicJwk, "publicJwk");
    Objects.requireNonNull(sealedPrivateKey, "sealedPrivateKey");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(activates, "activates");
  }

  /** This key, retiring at {@code instant}. */
  public SealedSigningKey retiringAt(Instant instant) {
    return new SealedSigningKey(kid, publicJwk, sealedPrivateKey, created, activates, instant);
  }
}
