package io.idxauth.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
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

  /** An RFC 9457 problem. */
  void problem(Context ctx, int status, String title, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    if (detail != null) {
      body.put("detail", detail);
    }
    body.put("instance", ctx.path());
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
      problem(ctx, e.getStatus(), e.getMessage(), null);
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
