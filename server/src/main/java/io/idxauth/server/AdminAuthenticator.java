package io.idxauth.server;

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
import io.idxauth.core.AccountDirectory;
import io.idxauth.core.AccountRecord;
import io.idxauth.core.Administrator;
import io.idxauth.core.KeyRing;
import io.idxauth.core.Role;
import io.idxauth.core.ServiceAccount;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling the admin API: a bearer token (RFC 6750 §2.1) that this service issued, scoped to
 * {@code idx-admin}, of an account that holds an admin role now. The token proves who; the rights
 * come from the account's roles in the store at the time of the call, so taking a role away, or
 * disabling the account, takes effect at once.
 */
final class AdminAuthenticator {

  private record Verifier(String jwks, DefaultJWTProcessor<SecurityContext> processor) {}

  private final KeyRing keys;
  private final AccountDirectory directory;
  private final String issuer;
  private final String audience;
  private volatile Verifier verifier;

  AdminAuthenticator(KeyRing keys, AccountDirectory directory, String issuer, String audience) {
    this.keys = keys;
    this.directory = directory;
    this.issuer = issuer;
    this.audience = audience;
  }

  Administrator authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw AdminProblem.noToken();
    }
    // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive.
    if (authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw AdminProblem.invalidToken("the Authorization header must be Bearer <token>");
    }
    String token = authorization.substring(7).trim();
    JWTClaimsSet claims;
    try {
      claims = verifier().processor().process(token, null);
    } catch (ParseException e) {
      throw AdminProblem.invalidToken("not a JWT");
    } catch (BadJOSEException e) {
      throw AdminProblem.invalidToken(reason(e));
    } catch (com.nimbusds.jose.JOSEException e) {
      throw AdminProblem.invalidToken("the signature cannot be checked");
    }
    Object scope = claims.getClaim("scope");
    if (!(scope instanceof String s) || !Arrays.asList(s.split(" ")).contains(Role.ADMIN_ENTITY)) {
      throw AdminProblem.insufficientScope();
    }
    String clientId = claims.getSubject();
    Optional<AccountRecord> account =
        ServiceAccount.isValidClientId(clientId) ? directory.account(clientId) : Optional.empty();
    if (account.isEmpty()) {
      throw AdminProblem.invalidToken("the account of this token no longer exists");
    }
    ServiceAccount a = account.get().account();
    if (!a.enabled()) {
      throw AdminProblem.invalidToken("the account of this token is disabled");
    }
    if (!a.isAdmin()) {
      throw AdminProblem.forbidden(
          "operator-admin or participant-admin",
          "account " + clientId + " holds no admin role (operator-admin or participant-admin)");
    }
    return Administrator.of(a);
  }

  /** A processor over the JWKS as published now, rebuilt when the key ring changes. */
  private Verifier verifier() {
    String jwks = keys.jwksJson();
    Verifier current = verifier;
    if (current != null && current.jwks().equals(jwks)) {
      return current;
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
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            audience,
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            Set.of("sub", "exp", "iat", "scope")));
    Verifier fresh = new Verifier(jwks, processor);
    verifier = fresh;
    return fresh;
  }

  private static String reason(BadJOSEException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains("expired")) {
      return "the token has expired";
    }
    if (message.contains("Signed JWT rejected") || message.contains("signature")) {
      return "the signature does not verify with this service's keys";
    }
    if (message.contains("type")) {
      return "the token type is not JWT or at+jwt";
    }
    return "the token was not issued by this service for this audience";
  }
}
