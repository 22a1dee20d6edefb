package io.idxauth.gateway;

/**
 * A bearer token that {@link TokenValidator} refuses. The {@link #reason()} is short and safe to
 * show the caller (RFC 6750 §3.1 {@code error_description}): it never contains the token or a key.
 *
 * <p>The reasons: {@code malformed token}, {@code unsupported algorithm}, {@code wrong token type},
 * {@code missing key id}, {@code unknown key}, {@code keys unavailable} (no JWKS could be fetched
 * yet), {@code bad signature}, {@code malformed claims}, {@code wrong issuer}, {@code wrong
 * audience}, {@code missing claim <name>}, {@code expired}, {@code not yet valid}, {@code revoked}.
 * Each is an RFC 6750 {@code invalid_token}.
 */
public final class InvalidTokenException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String reason;

  /**
   * A refusal for {@code reason}, such as "expired", "unknown key", "bad signature", "revoked" or
   * "wrong issuer".
   */
  public InvalidTokenException(String reason) {
    // Refusals are expected on the request path: no stack trace, it would tell nothing and cost.
    super(reason, null, false, false);
    this.reason = reason;
  }

  /** Why the token is refused, in a few words safe to show the caller. */
  public String reason() {
    return reason;
  }
}
