package io.idxauth.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.idxauth.store.Revocations;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /oauth2/revocations[?since=<revision>]}: the revoked tokens that have not expired yet,
 * for gateways that validate tokens themselves and poll this every few seconds instead of calling
 * the service on every request. Without {@code since}, or with one the service has not reached, all
 * of them; with {@code since}, those revoked after that revision. The answer's {@code revision} is
 * what to send as {@code since} next time.
 *
 * <p>Public: a jti names a token without granting anything, and a revoked token opens nothing.
 */
final class RevocationFeedEndpoint implements Handler {

  static final String PATH = "/oauth2/revocations";

  private final Revocations revocations;
  private final ObjectMapper json;
  private final Clock clock;

  RevocationFeedEndpoint(Revocations revocations, ObjectMapper json, Clock clock) {
    this.revocations = revocations;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    // Each answer holds until the next revocation only: caches would hide one.
    ErrorRenderer.noStore(ctx);
    Revocations.Feed feed = revocations.since(since(ctx), clock.instant());
    List<Map<String, Object>> revoked = new ArrayList<>(feed.revoked().size());
    for (Revocations.Revoked r : feed.revoked()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("jti", r.jti());
      entry.put("exp", r.expiresAt().getEpochSecond());
      revoked.add(entry);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("revision", feed.revision());
    body.put("revoked", revoked);
    ctx.status(200).contentType("application/json").result(json.writeValueAsBytes(body));
  }

  private static Long since(Context ctx) {
    List<String> values = ctx.queryParams("since");
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw OAuthError.invalidRequest("the parameter since is repeated");
    }
    String value = values.get(0);
    if (value.isEmpty()
        || value.length() > 18
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw OAuthError.invalidRequest(
          "since must be a revision this feed answered with: a non-negative integer");
    }
    return Long.parseLong(value);
  }
}
