package io.idxauth.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What every token says about where it comes from and how long it lives.
 *
 * @param rfc9068Type {@code true} to type tokens {@code at+jwt} (RFC 9068 §2.1) instead of {@code
 *     JWT}
 */
public record TokenPolicy(String issuer, String audience, Duration lifetime, boolean rfc9068Type) {

  public TokenPolicy {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.toSeconds() < 1) {
      throw new IllegalArgumentException("token lifetime must be at least one second");
    }
  }
}
