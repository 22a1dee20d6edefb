package io.idxauth.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import io.idxauth.store.Revocations;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /oauth2/introspect}: token introspection (RFC 7662). The client authenticates as at
 * the token endpoint and learns whether one of its own access tokens is active, and its claims.
 */
final class IntrospectionEndpoint implements Handler {

  static final String PATH = "/oauth2/introspect";

  /** The parameters this endpoint reads (RFC 7662 §2.1), besides the client's credentials. */
  static final Set<String> PARAMETERS = Set.of("token", "token_type_hint");

  private static final Map<String, Object> INACTIVE = Map.of("active", false);

  private final ClientAuthentication clients;
  private final OwnTokenVerifier tokens;
  private final Revocations revocations;
  private final ObjectMapper json;
  private final Clock clock;

  IntrospectionEndpoint(
      ClientAuthentication clients,
      OwnTokenVerifier tokens,
      Revocations revocations,
      ObjectMapper json,
      Clock clock) {
    this.clients = clients;
    this.tokens = tokens;
    this.revocations = revocations;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    ErrorRenderer.noStore(ctx);
    // RFC 7662 §2.1: the endpoint "MUST also require some form of authorization", against token
    // scanning: the client authentication of the token endpoint.
    ClientAuthentication.Request request = clients.authenticate(ctx, PARAMETERS, "introspect");

    // RFC 7662 §2.1: token REQUIRED; token_type_hint OPTIONAL, ignored (we issue access tokens
    // only).
    String token = request.parameter("token");
    if (token == null) {
      throw OAuthError.invalidRequest("token is required");
    }
    ctx.status(200)
        .contentType("application/json")
        .result(json.writeValueAsBytes(answer(token, request)));
  }

  /**
   * RFC 7662 §2.2: a token that "is not active, does not exist on this server, or the protected
   * resource is not allowed to introspect" MUST get {"active":false}, and nothing more (§4).
   */
  private Map<String, Object> answer(String token, ClientAuthentication.Request request) {
    JWTClaimsSet claims;
    try {
      claims = tokens.verify(token);
    } catch (OwnTokenVerifier.Invalid e) {
      return INACTIVE;
    }
    // RFC 7662 §2.1 leaves to the server which tokens a client may introspect, and §4 allows it to
    // "respond differently to different protected resources making the same request": a client
    // may introspect only the tokens issued to itself. Another's is inactive to it.
    if (!request.client().clientId().equals(RevocationEndpoint.clientIdOf(claims))) {
      return INACTIVE;
    }
    // The verifier allows a minute of clock skew; "active" is exact.
    Instant now = clock.instant();
    if (!now.isBefore(claims.getExpirationTime().toInstant())) {
      return INACTIVE;
    }
    if (revocations.isRevoked(claims.getJWTID())) {
      return INACTIVE;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("active", true);
    Object scope = claims.getClaim("scope");
    if (scope != null) {
      body.put("scope", scope);
    }
    body.put("client_id", claims.getClaim("client_id"));
    body.put("token_type", "Bearer");
    body.put("exp", seconds(claims.getExpirationTime()));
    body.put("iat", seconds(claims.getIssueTime()));
    if (claims.getNotBeforeTime() != null) {
      body.put("nbf", seconds(claims.getNotBeforeTime()));
    }
    body.put("sub", claims.getSubject());
    List<String> audience = claims.getAudience();
    body.put("aud", audience.size() == 1 ? audience.get(0) : audience);
    body.put("iss", claims.getIssuer());
    body.put("jti", claims.getJWTID());
    Object participant = claims.getClaim("participant_id");
    if (participant != null) {
      body.put("participant_id", participant);
    }
    Object details = claims.getClaim("authorization_details");
    if (details != null) {
      body.put("authorization_details", details);
    }
    return body;
  }

  private static long seconds(Date time) {
    return time.toInstant().getEpochSecond();
  }
}
