package io.idxauth.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A call the gateway does not let through, or could not complete: an RFC 9457 problem, with RFC
 * 6750's {@code WWW-Authenticate: Bearer} challenge where the token is at issue. Thrown by {@link
 * Enforcement}, rendered by the gateway, with the call's traceability id in the body, in a header
 * and in the log line.
 */
public final class GatewayProblem extends Exception {

  private static final long serialVersionUID = 1L;

  /** The realm of every challenge (RFC 6750 §3). */
  static final String REALM = "idx";

  /** JSON, with anything outside ASCII escaped: the body also travels in a header to nginx. */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private final int status;
  private final String title;
  private final String bearerError;
  private final boolean challenge;
  private final String scope;
  private final long retryAfterSeconds;
  private final String allow;
  private final String clientId;

  private GatewayProblem(
      int status,
      String title,
      String detail,
      boolean challenge,
      String bearerError,
      String scope,
      long retryAfterSeconds,
      String allow,
      String clientId) {
    // Refusals are the gateway's daily work: no stack trace, it would cost and tell nothing.
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.challenge = challenge;
    this.bearerError = bearerError;
    this.scope = scope;
    this.retryAfterSeconds = retryAfterSeconds;
    this.allow = allow;
    this.clientId = clientId;
  }

  /**
   * RFC 6750 §3.1: "If the request lacks any authentication information […], the resource server
   * SHOULD NOT include an error code or other error information." The challenge alone.
   */
  static GatewayProblem missingToken() {
    return new GatewayProblem(
        401,
        "Unauthorized",
        "a bearer token is required: Authorization: Bearer <access token>",
        true,
        null,
        null,
        0,
        null,
        null);
  }

  /** RFC 6750 §3.1 invalid_token: "expired, revoked, malformed, or invalid for other reasons". */
  static GatewayProblem invalidToken(String reason) {
    return new GatewayProblem(
        401,
        "Unauthorized",
        "the access token is not valid: " + reason,
        true,
        "invalid_token",
        null,
        0,
        null,
        null);
  }

  /** RFC 6750 §3.1 invalid_request: a required parameter (here, header) missing or malformed. */
  static GatewayProblem invalidRequest(String detail) {
    return new GatewayProblem(
        400, "Bad Request", detail, true, "invalid_request", null, 0, null, null);
  }

  /**
   * RFC 6750 §3.1 insufficient_scope: "The request requires higher privileges than provided by the
   * access token." {@code scope} names the entity the route needs.
   */
  static GatewayProblem insufficientScope(String entity, String detail, ValidatedToken token) {
    return new GatewayProblem(
        403, "Forbidden", detail, true, "insufficient_scope", entity, 0, null, token.clientId());
  }

  /** Past a rate limit (RFC 6585 §4), with {@code Retry-After} (RFC 9110 §10.2.3). */
  static GatewayProblem rateLimited(Route route, long retryAfterSeconds, ValidatedToken token) {
    return new GatewayProblem(
        429,
        "Too Many Requests",
        "rate limit of "
            + route.path()
            + " reached ("
            + String.join(", ", route.rateLimits().stream().map(Route.RateLimit::text).toList())
            + " per participant); retry in "
            + retryAfterSeconds
            + " s",
        false,
        null,
        null,
        retryAfterSeconds,
        null,
        token.clientId());
  }

  static GatewayProblem noRoute(String path) {
    return new GatewayProblem(
        404, "Not Found", "no route for " + path, false, null, null, 0, null, null);
  }

  static GatewayProblem methodNotAllowed(String method, Route route) {
    Set<String> allowed = new TreeSet<>(route.operations().keySet());
    return new GatewayProblem(
        405,
        "Method Not Allowed",
        route.path() + " does not accept " + method,
        false,
        null,
        null,
        0,
        String.join(", ", allowed),
        null);
  }

  /** The upstream refused the connection, reset it or answered nonsense. */
  static GatewayProblem badGateway(String detail) {
    return new GatewayProblem(502, "Bad Gateway", detail, false, null, null, 0, null, null);
  }

  /** The upstream stayed silent past the route's timeout. */
  static GatewayProblem gatewayTimeout(String detail) {
    return new GatewayProblem(504, "Gateway Timeout", detail, false, null, null, 0, null, null);
  }

  /** Something the gateway did not expect; the detail says nothing of the inside. */
  static GatewayProblem internal(String detail) {
    return new GatewayProblem(
        500, "Internal Server Error", detail, false, null, null, 0, null, null);
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  /** The RFC 6750 error code, or {@code null}. */
  public String bearerError() {
    return bearerError;
  }

  /** Seconds for {@code Retry-After}, or 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The methods for {@code Allow} on a 405, or {@code null}. */
  public String allow() {
    return allow;
  }

  /** The client whose valid token was refused for want of scope or allowance, or {@code null}. */
  public String clientId() {
    return clientId;
  }

  /**
   * The {@code WWW-Authenticate} value (RFC 6750 §3), or {@code null} when the token is not at
   * issue: {@code Bearer realm="idx", error="invalid_token", error_description="…"}.
   */
  public String wwwAuthenticate() {
    if (!challenge) {
      return null;
    }
    StringBuilder out = new StringBuilder("Bearer realm=\"").append(REALM).append('"');
    if (bearerError != null) {
      out.append(", error=\"").append(bearerError).append('"');
      out.append(", error_description=\"").append(quotable(getMessage())).append('"');
    }
    if (scope != null) {
      out.append(", scope=\"").append(quotable(scope)).append('"');
    }
    return out.toString();
  }

  /**
   * The problem document (RFC 9457 §3.1) of a call to {@code instance}, with the members {@code
   * traceabilityId} and, when the token is at issue, the RFC 6750 {@code error}.
   */
  public byte[] body(String instance, String traceabilityId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", getMessage());
    if (instance != null) {
      body.put("instance", instance);
    }
    if (bearerError != null) {
      body.put("error", bearerError);
    }
    body.put("traceabilityId", traceabilityId);
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * RFC 6750 §3: error_description and scope values must not include characters outside %x20-21 /
   * %x23-5B / %x5D-7E; anything else becomes a space or an apostrophe.
   */
  static String quotable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        out.append('\'');
      } else if (c < 0x20 || c > 0x7e || c == '\\') {
        out.append(' ');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
