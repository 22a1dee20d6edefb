package io.idxauth.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What every token says about where it comes from and how long it lives.
 *
 * @param rfc9068Type {@code true} to type tokens {@code at+jwt} (RFC 9068 §2.1) instead of {@code
 *     JWT}
 * @param maxLifetime the longest lifetime any account's tokens may have
 */
public record TokenPolicy(
    String issuer, String audience, Duration lifetime, boolean rfc9068Type, Duration maxLifetime) {

  public TokenPolicy {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.toSeconds() < 1) {
      throw new IllegalArgumentException("token lifetime must be at least one second");
    }
    if (maxLifetime.compareTo(lifetime) < 0) {
      throw new IllegalArgumentException("the longest token lifetime is shorter than the default");
    }
  }

  /** A policy whose accounts may have tokens of up to 24 hours. */
  public TokenPolicy(String issuer, String audience, Duration lifetime, boolean rfc9068Type) {
    this(issuer, audience, lifetime, rfc9068Type, ServiceAccount.MAX_TOKEN_LIFETIME);
  }

  /**
   * How long {@code account}'s tokens live: its own lifetime or the default, never longer than the
   * longest — a retired signing key stays published only that long.
   */
  public Duration lifetimeOf(ServiceAccount account) {
    Duration wanted = account.tokenLifetime() == null ? lifetime : account.tokenLifetime();
    return wanted.compareTo(maxLifetime) > 0 ? maxLifetime : wanted;
  }
}
