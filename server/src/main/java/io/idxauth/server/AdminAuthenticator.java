package io.idxauth.server;

import com.nimbusds.jwt.JWTClaimsSet;
import io.idxauth.core.AccountDirectory;
import io.idxauth.core.AccountRecord;
import io.idxauth.core.Administrator;
import io.idxauth.core.Role;
import io.idxauth.core.ServiceAccount;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Who is calling the admin API: a bearer token (RFC 6750 §2.1) that this service issued, scoped to
 * {@code idx-admin}, of an account that holds an admin role now. The token proves who; the rights
 * come from the account's roles in the store at the time of the call, so taking a role away, or
 * disabling the account, takes effect at once.
 */
final class AdminAuthenticator {

  private final OwnTokenVerifier tokens;
  private final Predicate<String> revoked;
  private final AccountDirectory directory;

  AdminAuthenticator(
      OwnTokenVerifier tokens, Predicate<String> revoked, AccountDirectory directory) {
    this.tokens = tokens;
    this.revoked = revoked;
    this.directory = directory;
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
      claims = tokens.verify(token);
    } catch (OwnTokenVerifier.Invalid e) {
      throw AdminProblem.invalidToken(e.reason());
    }
    // RFC 7009: a revoked token is refused from then on.
    if (revoked.test(claims.getJWTID())) {
      throw AdminProblem.invalidToken("the token has been revoked");
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
}
