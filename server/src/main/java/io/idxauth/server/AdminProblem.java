package io.idxauth.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An admin API refusal, rendered as an RFC 9457 problem by {@link ErrorRenderer}. */
final class AdminProblem extends RuntimeException {

  final int status;
  final String title;
  final Map<String, Object> extensions;
  final String wwwAuthenticate;

  private AdminProblem(
      int status,
      String title,
      String detail,
      Map<String, Object> extensions,
      String wwwAuthenticate) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.extensions = extensions;
    this.wwwAuthenticate = wwwAuthenticate;
  }

  static final String REALM = "Bearer realm=\"idx-auth-admin\"";

  /** RFC 6750 §3: no token at all gets the challenge without an error code. */
  static AdminProblem noToken() {
    return new AdminProblem(
        401,
        "Unauthorized",
        "the admin API needs an Authorization: Bearer token with scope idx-admin from"
            + " /oauth2/token",
        Map.of(),
        REALM);
  }

  /** RFC 6750 §3.1 invalid_token: expired, revoked, malformed or not ours. */
  static AdminProblem invalidToken(String why) {
    return new AdminProblem(
        401,
        "Unauthorized",
        "the bearer token is not valid: " + why,
        Map.of(),
        REALM + ", error=\"invalid_token\", error_description=\"" + why.replace('"', '\'') + "\"");
  }

  /** RFC 6750 §3.1 insufficient_scope. */
  static AdminProblem insufficientScope() {
    return new AdminProblem(
        403,
        "Forbidden",
        "the token is not an admin token: request one with scope=idx-admin alone",
        Map.of("missingRight", "scope:idx-admin"),
        REALM + ", error=\"insufficient_scope\", scope=\"idx-admin\"");
  }

  /** RFC 6750 §3.1 invalid_request: a malformed Authorization header. */
  static AdminProblem invalidRequest(String why) {
    return new AdminProblem(
        400,
        "Bad Request",
        why,
        Map.of(),
        REALM
            + ", error=\"invalid_request\", error_description=\""
            + why.replace('"', '\'')
            + "\"");
  }

  static AdminProblem forbidden(String missingRight, String detail) {
    return new AdminProblem(403, "Forbidden", detail, Map.of("missingRight", missingRight), null);
  }

  static AdminProblem badRequest(List<String> errors) {
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put("errors", List.copyOf(errors));
    return new AdminProblem(400, "Bad Request", String.join("; ", errors), ext, null);
  }

  static AdminProblem notFound(String detail) {
    return new AdminProblem(404, "Not Found", detail, Map.of(), null);
  }

  static AdminProblem conflict(String detail) {
    return new AdminProblem(409, "Conflict", detail, Map.of(), null);
  }

  static AdminProblem unsupportedMediaType() {
    return new AdminProblem(
        415, "Unsupported Media Type", "the request body must be application/json", Map.of(), null);
  }

  static AdminProblem unavailable(String detail) {
    return new AdminProblem(503, "Service Unavailable", detail, Map.of(), null);
  }
}
