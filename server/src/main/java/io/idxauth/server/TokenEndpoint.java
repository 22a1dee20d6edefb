package io.idxauth.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.idxauth.core.AuditEvent;
import io.idxauth.core.AuditTrail;
import io.idxauth.core.ClientAuthenticator;
import io.idxauth.core.EntitlementResolver;
import io.idxauth.core.Grant;
import io.idxauth.core.IssuedToken;
import io.idxauth.core.MalformedScopeException;
import io.idxauth.core.RequestedScope;
import io.idxauth.core.SecretVerifier;
import io.idxauth.core.ServiceAccount;
import io.idxauth.core.TokenMinter;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/token}: the client credentials grant (RFC 6749 §4.4), with client
 * authentication by client_secret_basic or client_secret_post (§2.3.1).
 */
final class TokenEndpoint implements Handler {

  /** The parameters this endpoint reads (RFC 6749 §4.4.2 and §2.3.1); others are ignored (§3.2). */
  static final Set<String> PARAMETERS = Set.of("grant_type", "scope", "client_id", "client_secret");

  private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final long DRAIN_LIMIT = 1 << 20;

  private final ClientAuthenticator authenticator;
  private final EntitlementResolver resolver;
  private final TokenMinter minter;
  private final ObjectMapper json;
  private final TokenMetrics metrics;
  private final AuditTrail audit;
  private final ClientRefusals refusals;
  private final int maxRequestBytes;

  TokenEndpoint(
      ClientAuthenticator authenticator,
      EntitlementResolver resolver,
      TokenMinter minter,
      ObjectMapper json,
      TokenMetrics metrics,
      AuditTrail audit,
      ClientRefusals refusals,
      int maxRequestBytes) {
    this.authenticator = authenticator;
    this.resolver = resolver;
    this.minter = minter;
    this.json = json;
    this.metrics = metrics;
    this.audit = audit;
    this.refusals = refusals;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    // RFC 6749 §5.1: responses with tokens or credentials MUST carry Cache-Control: no-store.
    ErrorRenderer.noStore(ctx);
    Map<String, List<String>> form = readForm(ctx);

    // RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once."
    for (String name : PARAMETERS) {
      List<String> values = form.get(name);
      if (values != null && values.size() > 1) {
        throw OAuthError.invalidRequest("the parameter " + name + " is repeated");
      }
    }
    ClientCredentials credentials = ClientCredentials.from(ctx.header("Authorization"), form);

    // RFC 6749 §4.4.2: grant_type REQUIRED. Value MUST be set to "client_credentials".
    List<String> grantType = form.get("grant_type");
    if (grantType == null) {
      throw OAuthError.invalidRequest("grant_type is required (client_credentials)");
    }
    if (!grantType.get(0).equals("client_credentials")) {
      throw OAuthError.unsupportedGrantType("only the client_credentials grant is supported here");
    }
    List<String> requested;
    try {
      List<String> scope = form.get("scope");
      requested = RequestedScope.parse(scope == null ? null : scope.get(0));
    } catch (MalformedScopeException e) {
      throw OAuthError.invalidScope(e.getMessage());
    }

    ClientAuthenticator.Outcome outcome;
    try {
      outcome =
          authenticator.authenticate(
              credentials.clientId(), credentials.secret(), ClientAddress.of(ctx));
    } catch (SecretVerifier.Busy e) {
      throw OAuthError.temporarilyUnavailable(
          "too many client authentications are in progress; retry in a second");
    }
    if (!outcome.authenticated()) {
      refusals.record(
          AuditEvent.TOKEN_REFUSED, credentials, outcome, ClientAddress.of(ctx), Map.of());
      throw OAuthError.invalidClient("client authentication failed");
    }

    Grant grant = resolver.resolve(outcome.account(), requested);
    ServiceAccount account = outcome.account().account();
    IssuedToken token = minter.mint(account, grant);
    metrics.issued(!grant.isEmpty());
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("scope", token.scope());
    detail.put("dropped", grant.dropped());
    detail.put("jti", token.jti());
    detail.put("secretId", outcome.secret().id());
    audit.record(
        new AuditEvent(
            0,
            Instant.now(),
            AuditEvent.TOKEN_ISSUED,
            account.clientId(),
            account.clientId(),
            account.participantId(),
            ClientAddress.of(ctx),
            detail));

    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", token.value());
    body.put("token_type", "Bearer");
    body.put("expires_in", token.expiresIn());
    if (token.scope() != null) {
      body.put("scope", token.scope());
    }
    ctx.status(200).contentType("application/json").result(json.writeValueAsBytes(body));
  }

  private Map<String, List<String>> readForm(Context ctx) {
    // The raw header: asking the servlet layer for the content type makes it resolve the charset,
    // which throws on a bogus one.
    String contentType = ctx.header("Content-Type");
    if (contentType == null || !ClientAuthentication.isForm(contentType)) {
      throw OAuthError.invalidRequest(
          "the request body must be " + FORM + " (Content-Type was " + contentType + ")");
    }
    long length = ctx.req().getContentLengthLong();
    if (length > maxRequestBytes) {
      drainModestBody(ctx, length);
      throw OAuthError.invalidRequest(
          413, "the request body is larger than " + maxRequestBytes + " bytes");
    }
    // RFC 6749 §2.3.1: client credentials "MUST NOT be included in the request URI".
    String query = ctx.queryString();
    if (query != null && (query.contains("client_secret") || query.contains("client_id"))) {
      throw OAuthError.invalidRequest(
          "client credentials must be sent in the request body, never in the URI");
    }
    return FormBody.parse(ctx.bodyAsBytes());
  }

  /**
   * An unknown client_id as the log shows it: its start and length, so that an operator can match
   * it, while a secret pasted into the wrong field does not end up whole in the log.
   */
  static String unknownForLog(String clientId) {
    if (!ServiceAccount.isValidClientId(clientId)) {
      return "(malformed, " + clientId.length() + " chars)";
    }
    return clientId.length() <= 8
        ? clientId
        : clientId.substring(0, 8) + "...(" + clientId.length() + " chars)";
  }

  /**
   * Reads and discards a too-large body of modest size before answering, so that a client still
   * sending it reads the 413 instead of a reset connection; a huge one is cut off.
   */
  private static void drainModestBody(Context ctx, long length) {
    ctx.header("Connection", "close");
    if (length > DRAIN_LIMIT) {
      return;
    }
    try {
      InputStream in = ctx.req().getInputStream();
      long left = length;
      while (left > 0) {
        long skipped = in.skip(left);
        if (skipped <= 0) {
          if (in.read() < 0) {
            return;
          }
          skipped = 1;
        }
        left -= skipped;
      }
    } catch (IOException e) {
      // The client went away; the refusal stands either way.
    }
  }
}
