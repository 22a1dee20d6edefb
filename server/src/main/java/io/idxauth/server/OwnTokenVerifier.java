package io.idxauth.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.idxauth.core.KeyRing;
import java.text.ParseException;
import java.util.Locale;
import java.util.Set;

/**
 * Checks that a compact JWT is an access token this service issued and that it is in force now:
 * RS256 only, a {@code kid} published in the key ring's JWKS, {@code typ} JWT or at+jwt, {@code
 * iss} this issuer, {@code aud} containing this audience, {@code exp}/{@code nbf} (one second of
 * skew: the issuer is this process) and the RFC 9068 §2.2 claims sub, client_id, iat and jti
 * present. Says nothing about scope, revocation or the account: callers decide those.
 */
final class OwnTokenVerifier {

  /** Why a token is not one of ours in force now: a short reason, safe to show the caller. */
  static final class Invalid extends Exception {
    private final String reason;

    Invalid(String reason) {
      super(reason, null, false, false);
      this.reason = reason;
    }

    String reason() {
      return reason;
    }
  }

  private record Processor(String jwks, DefaultJWTProcessor<SecurityContext> processor) {}

  private final KeyRing keys;
  private final String issuer;
  private final String audience;
  private volatile Processor current;

  OwnTokenVerifier(KeyRing keys, String issuer, String audience) {
    this.keys = keys;
    this.issuer = issuer;
    this.audience = audience;
  }

  /**
   * The claims of {@code token}.
   *
   * @throws Invalid when it is not a JWT, not signed by one of the published keys, of another type,
   *     issuer or audience, expired or not yet valid, or lacks a required claim
   */
  JWTClaimsSet verify(String token) throws Invalid {
    if (token == null || token.isEmpty()) {
      throw new Invalid("no token");
    }
    try {
      return processor().process(token, null);
    } catch (ParseException e) {
      throw new Invalid("not a JWT");
    } catch (BadJOSEException e) {
      throw new Invalid(reason(e));
    } catch (JOSEException e) {
      throw new Invalid("the signature cannot be checked");
    }
  }

  /** A processor over the JWKS as published now, rebuilt when the key ring changes. */
  private DefaultJWTProcessor<SecurityContext> processor() {
    String jwks = keys.jwksJson();
    Processor known = current;
    if (known != null && known.jwks().equals(jwks)) {
      return known.processor();
    }
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt")));
    try {
      processor.setJWSKeySelector(
          new JWSVerificationKeySelector<>(
              JWSAlgorithm.RS256, new ImmutableJWKSet<>(JWKSet.parse(jwks))));
    } catch (ParseException e) {
      throw new IllegalStateException("the service's own JWKS does not parse", e);
    }
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            audience,
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            Set.of("sub", "client_id", "exp", "iat", "jti"));
    // One service issues and checks these tokens: there is no clock skew to allow for.
    claims.setMaxClockSkew(1);
    processor.setJWTClaimsSetVerifier(claims);
    current = new Processor(jwks, processor);
    return processor;
  }

  private static String reason(BadJOSEException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (message.contains("expired")) {
      return "the token has expired";
    }
    if (message.contains("before use time")) {
      return "the token is not valid yet";
    }
    if (message.contains("signed jwt rejected") || message.contains("signature")) {
      return "the signature does not verify with this service's keys";
    }
    if (message.contains("type")) {
      return "the token type is not JWT or at+jwt";
    }
    return "the token was not issued by this service for this audience";
  }
}
