package io.idxauth.server;

import com.nimbusds.jwt.JWTClaimsSet;
import io.idxauth.core.AccountDirectory;
import io.idxauth.core.AccountRecord;
import io.idxauth.core.Administrator;
import io.idxauth.core.KeyRing;
import io.idxauth.core.Role;
import io.idxauth.core.ServiceAccount;
import java.util.Arrays;
import java.util.Optional;

/**
 * Who is calling the admin API: a bearer token (RFC 6750 §2.1) that this service issued, scoped to
 * {@code idx-admin}, of an account that holds an admin role now. The token proves who; the rights
 * come from the account's roles in the store at the time of the call, so taking a role away, or
 * disabling the account, takes effect at once.
 */
final class AdminAuthenticator {

  private final OwnTokenVerifier tokens;
  private final AccountDirectory directory;

  AdminAuthenticator(KeyRing keys, AccountDirectory directory, String issuer, String audience) {
    this.tokens = new OwnTokenVerifier(keys, issuer, audience);
    this.directory = directory;
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
      claims = tokens.verify(token);
    } catch (OwnTokenVerifier.Invalid e) {
      throw AdminProblem.invalidToken(e.reason());
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
}
