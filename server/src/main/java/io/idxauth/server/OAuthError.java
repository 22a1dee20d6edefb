package io.idxauth.server;

/**
 * An RFC 6749 §5.2 error response: the error code, the HTTP status it goes with, and a description
 * for the client's developer. Thrown by endpoints, rendered in one place ({@link ErrorRenderer}).
 */
public final class OAuthError extends RuntimeException {

  private final String code;
  private final int status;

  private OAuthError(String code, int status, String description) {
    super(description, null, false, false);
    this.code = code;
    this.status = status;
  }

  public static OAuthError invalidRequest(String description) {
    return new OAuthError("invalid_request", 400, description);
  }

  public static OAuthError invalidRequest(int status, String description) {
    return new OAuthError("invalid_request", status, description);
  }

  public static OAuthError invalidClient(String description) {
    return new OAuthError("invalid_client", 401, description);
  }

  /** The authenticated client may not do this (RFC 6749 §5.2), e.g. revoke another's token. */
  public static OAuthError unauthorizedClient(String description) {
    return new OAuthError("unauthorized_client", 400, description);
  }

  public static OAuthError unsupportedGrantType(String description) {
    return new OAuthError("unsupported_grant_type", 400, description);
  }

  public static OAuthError invalidScope(String description) {
    return new OAuthError("invalid_scope", 400, description);
  }

  /** The service is too busy checking secrets; the client should retry shortly (503). */
  public static OAuthError temporarilyUnavailable(String description) {
    return new OAuthError("temporarily_unavailable", 503, description);
  }

  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  public String description() {
    return getMessage();
  }
}
