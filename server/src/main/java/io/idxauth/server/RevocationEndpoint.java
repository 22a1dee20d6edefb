package io.idxauth.server;

import com.nimbusds.jwt.JWTClaimsSet;
import io.idxauth.core.ServiceAccount;
import io.idxauth.store.Revocations;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.util.Set;

/**
 * {@code POST /oauth2/revoke}: token revocation (RFC 7009). The client authenticates as at the
 * token endpoint and names one of its own access tokens; its jti is kept as revoked until the token
 * expires, refused by introspection at once and by gateways through the revocation feed.
 */
final class RevocationEndpoint implements Handler {

  static final String PATH = "/oauth2/revoke";

  /** The parameters this endpoint reads (RFC 7009 §2.1), besides the client's credentials. */
  static final Set<String> PARAMETERS = Set.of("token", "token_type_hint");

  private final ClientAuthentication clients;
  private final OwnTokenVerifier tokens;
  private final Revocations revocations;
  private final Clock clock;

  RevocationEndpoint(
      ClientAuthentication clients, OwnTokenVerifier tokens, Revocations revocations, Clock clock) {
    this.clients = clients;
    this.tokens = tokens;
    this.revocations = revocations;
    this.clock = clock;
  }

  @Override
  public void handle(Context ctx) {
    ErrorRenderer.noStore(ctx);
    // RFC 7009 §2.1: "The authorization server first validates the client credentials".
    ClientAuthentication.Request request = clients.authenticate(ctx, PARAMETERS, "revoke");

    // RFC 7009 §2.1: token REQUIRED. token_type_hint is OPTIONAL and only a hint: we issue access
    // tokens alone and look every token up as one, so any hint, known or not, is ignored.
    String token = request.parameter("token");
    if (token == null) {
      throw OAuthError.invalidRequest("token is required");
    }
    JWTClaimsSet claims;
    try {
      claims = tokens.verify(token);
    } catch (OwnTokenVerifier.Invalid e) {
      // RFC 7009 §2.2: 200 also "if the client submitted an invalid token"; an expired one has
      // nothing left to revoke.
      ctx.status(200);
      return;
    }
    ServiceAccount client = request.client();
    // RFC 7009 §2.1: the server "verifies whether the token was issued to the client making the
    // revocation request. If this validation fails, the request is refused".
    if (!client.clientId().equals(clientIdOf(claims))) {
      throw OAuthError.unauthorizedClient("the token was not issued to this client");
    }
    revocations.revoke(
        new Revocations.Token(
            claims.getJWTID(),
            client.clientId(),
            client.participantId(),
            claims.getExpirationTime().toInstant()),
        client.clientId(),
        ClientAddress.of(ctx),
        clock.instant());
    // RFC 7009 §2.2: "The content of the response body is ignored by the client".
    ctx.status(200);
  }

  /**
   * The client a token of ours was issued to (RFC 9068 §2.2 client_id, required by the verifier).
   */
  static String clientIdOf(JWTClaimsSet claims) {
    return claims.getClaim("client_id") instanceof String id ? id : null;
  }
}
