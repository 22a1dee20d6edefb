package io.idxauth.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A signing key as the store keeps it: the public JWK in clear, the private key (PKCS#8) sealed
 * under the key-encryption key.
 *
 * @param activates when it starts to sign; it is published in the JWKS from creation
 * @param retires when it stops signing, or {@code null} while it is current
 */
public record SealedSigningKey(
    String kid,
    String publicJwk,
    byte[] sealedPrivateKey,
    Instant created,
    Instant activates,
    Instant retires) {

  public SealedSigningKey {
    Objects.requireNonNull(kid, "kid");
    Objects.requireNonNull(publicJwk, "publicJwk");
    Objects.requireNonNull(sealedPrivateKey, "sealedPrivateKey");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(activates, "activates");
  }
}
