package io.idxauth.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.idxauth.core.Forbidden;
import io.idxauth.store.StoreException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place errors become responses: RFC 6749 §5.2 JSON for the token endpoint, RFC 9457
 * problem details elsewhere. Never a stack trace, never the request's secrets.
 */
final class ErrorRenderer {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorRenderer.class);
  static final String REALM = "Basic realm=\"idx-auth\"";

  private final ObjectMapper json;
  private final TokenMetrics metrics;

  ErrorRenderer(ObjectMapper json, TokenMetrics metrics) {
    this.json = json;
    this.metrics = metrics;
  }

  static void noStore(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    ctx.header("Pragma", "no-cache");
  }

  void oauth(OAuthError error, Context ctx) {
    metrics.error(error.code());
    noStore(ctx);
    if (error.status() == 401) {
      // RFC 6749 §5.2: after Basic, a 401 MUST carry WWW-Authenticate; RFC 9110 §11.6.1 asks it of
      // every 401, so every invalid_client answer carries it and all of them look alike.
      ctx.header("WWW-Authenticate", REALM);
    }
    if (error.status() == 503) {
      ctx.header("Retry-After", "1");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error.code());
    body.put("error_description", error.description());
    write(ctx, error.status(), "application/json", body);
  }

  /** An admin API refusal: an RFC 9457 problem, with RFC 6750's challenge on 401 and 403. */
  void admin(AdminProblem e, Context ctx) {
    noStore(ctx);
    if (e.wwwAuthenticate != null) {
      ctx.header("WWW-Authenticate", e.wwwAuthenticate);
    }
    if (e.status == 503) {
      ctx.header("Retry-After", "1");
    }
    problem(ctx, e.status, e.title, e.getMessage(), e.extensions);
  }

  /** An administrator without the right an action needs: 403, naming the right. */
  void forbidden(Forbidden e, Context ctx) {
    noStore(ctx);
    problem(ctx, 403, "Forbidden", e.getMessage(), Map.of("missingRight", e.missingRight()));
  }

  /** The store cannot be reached: nothing was changed; try again. */
  void storeUnavailable(StoreException e, Context ctx) {
    LOG.warn("store unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
    ctx.header("Retry-After", "1");
    if (ctx.path().startsWith("/oauth2/")) {
      oauth(OAuthError.temporarilyUnavailable("the store is unavailable; try again"), ctx);
    } else {
      noStore(ctx);
      problem(
          ctx,
          503,
          "Service Unavailable",
          "the store is unavailable; nothing was changed, try again");
    }
  }

  /** An RFC 9457 problem. */
  void problem(Context ctx, int status, String title, String detail) {
    problem(ctx, status, title, detail, Map.of());
  }

  /** An RFC 9457 problem with extension members (§3.2). */
  void problem(
      Context ctx, int status, String title, String detail, Map<String, Object> extensions) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    if (detail != null) {
      body.put("detail", detail);
    }
    body.put("instance", ctx.path());
    body.putAll(extensions);
    write(ctx, status, "application/problem+json", body);
  }

  /** Javalin's own refusals (body too large, bad request line): rendered in our shapes. */
  void httpException(HttpResponseException e, Context ctx) {
    if (ctx.path().startsWith("/oauth2/")) {
      int status = e.getStatus() >= 500 ? 400 : e.getStatus();
      String description =
          status == 413 ? "the request body is too large" : "the request could not be read";
      oauth(OAuthError.invalidRequest(status, description), ctx);
    } else {
      // RFC 9457 §3.1.4: with type about:blank, the title is the status's reason phrase.
      HttpStatus status = HttpStatus.forStatus(e.getStatus());
      problem(
          ctx,
          e.getStatus(),
          status == HttpStatus.UNKNOWN ? "Error" : status.getMessage(),
          e.getMessage());
    }
  }

  void unexpected(Exception e, Context ctx) {
    LOG.error("unexpected failure on {} {}: {}", ctx.method(), ctx.path(), e.toString(), e);
    if (ctx.path().startsWith("/oauth2/")) {
      noStore(ctx);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", "server_error");
      body.put("error_description", "the service could not complete the request; try again");
      write(ctx, 500, "application/json", body);
    } else {
      problem(ctx, 500, "Internal Server Error", "the service could not complete the request");
    }
  }

  private void write(Context ctx, int status, String contentType, Map<String, Object> body) {
    try {
      ctx.status(status).contentType(contentType).result(json.writeValueAsBytes(body));
    } catch (Exception e) {
      ctx.status(status).result("");
    }
  }
}
