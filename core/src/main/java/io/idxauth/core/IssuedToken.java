package io.idxauth.core;

/**
 * A signed access token and what the token response says about it.
 *
 * @param expiresIn whole seconds left until {@code exp}, as the token response's {@code expires_in}
 */
public record IssuedToken(String value, String jti, long expiresIn, String scope) {

  @Override
  public String toString() {
    return "IssuedToken[jti=" + jti + ", expiresIn=" + expiresIn + ", scope=" + scope + "]";
  }
}
