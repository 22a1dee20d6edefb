package io.idxauth.server;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The client's id and secret as presented, and whether they came in an HTTP Basic header (RFC 6749
 * §2.3.1 client_secret_basic) or in the body (client_secret_post).
 */
record ClientCredentials(String clientId, String secret, boolean basic) {

  /**
   * Reads the credentials from the request.
   *
   * @throws OAuthError invalid_request when both methods are used or the header is malformed;
   *     invalid_client when none is
   */
  static ClientCredentials from(String authorization, Map<String, List<String>> form) {
    String formId = single(form, "client_id");
    String formSecret = single(form, "client_secret");
    if (authorization != null) {
      // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each
      // request."
      if (formId != null || formSecret != null) {
        throw OAuthError.invalidRequest(
            "client credentials were sent both in the Authorization header and in the body;"
                + " use one method");
      }
      return fromBasic(authorization);
    }
    if (formId == null) {
      throw OAuthError.invalidClient(
          "client authentication is required: send client_id and client_secret in the body or"
              + " with HTTP Basic");
    }
    if (formSecret == null) {
      throw OAuthError.invalidClient("client_secret is required");
    }
    return new ClientCredentials(formId, formSecret, false);
  }

  private static ClientCredentials fromBasic(String authorization) {
    int space = authorization.indexOf(' ');
    String scheme = space < 0 ? authorization : authorization.substring(0, space);
    if (!scheme.equalsIgnoreCase("Basic")) {
      throw OAuthError.invalidClient(
          "unsupported client authentication scheme; use Basic or client_secret_post");
    }
    String decoded;
    try {
      byte[] raw = Base64.getDecoder().decode(authorization.substring(space + 1).trim());
      decoded = new String(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw OAuthError.invalidRequest("the Basic credentials are not valid base64");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw OAuthError.invalidRequest("the Basic credentials must be client_id:client_secret");
    }
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and encoded.
    String id = FormBody.decode(decoded.substring(0, colon));
    String secret = FormBody.decode(decoded.substring(colon + 1));
    if (id.isEmpty() || secret.isEmpty()) {
      throw OAuthError.invalidClient("the Basic credentials have an empty client_id or secret");
    }
    return new ClientCredentials(id, secret, true);
  }

  private static String single(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null ? null : values.get(0);
  }

  @Override
  public String toString() {
    return "ClientCredentials[clientId=" + clientId + ", basic=" + basic + "]";
  }
}
