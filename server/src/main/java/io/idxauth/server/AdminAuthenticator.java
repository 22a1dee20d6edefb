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
import java.util.Locale;
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
    // RFC 6750 §3.1: a request in another scheme gets the challenge without an error code.
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw AdminProblem.noToken();
    }
    String token = authorization.substring(7).trim();
    if (token.isEmpty() || token.contains(" ")) {
      throw AdminProblem.invalidRequest("the Authorization header must be Bearer <token>");
    }
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
    // An admin token is for the admin API alone: one that also opens IDX APIs could be replayed
    // here by any API that receives it.
    if (!scope.equals(Role.ADMIN_ENTITY)) {
      throw AdminProblem.insufficientScope();
    }
    String clientId = claims.getSubject();
    Optional<AccountRecord> account =
        ServiceAccount.isValidClientId(clientId) ? directory.account(clientId) : Optional.empty();
    // The token names the account as it was when issued: an account deleted since, or deleted and
    // made again for another participant, is not the one the token was for.
    if (account.isEmpty()
        || !account.get().account().participantId().equals(claims.getClaim("participant_id"))) {
      throw AdminProblem.invalidToken("the account of this token no longer exists");
    }
    ServiceAccount a = account.get().account();
    if (!a.enabled()) {
      throw AdminProblem.forbidden(
          "enabled-account", "account " + clientId + " is disabled: it administers nothing");
    }
    if (!a.isAdmin()) {
      throw AdminProblem.forbidden(
          "admin-role",
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
    DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier =
        new DefaultJWTClaimsVerifier<>(
            audience,
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            Set.of("sub", "exp", "iat", "scope", "participant_id"));
    // One service issues and checks these tokens: there is no clock skew to allow for.
    claimsVerifier.setMaxClockSkew(1);
    processor.setJWTClaimsSetVerifier(claimsVerifier);
    Verifier fresh = new Verifier(jwks, processor);
    verifier = fresh;
    return fresh;
  }

  private static String reason(BadJOSEException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (message.contains("expired")) {
      return "the token has expired";
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
