package io.idxauth.server;

import io.idxauth.core.ClientAuthenticator;
import io.idxauth.core.SecretVerifier;
import io.idxauth.core.ServiceAccount;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The client authentication of the endpoints beside the token endpoint — revocation (RFC 7009 §2.1)
 * and introspection (RFC 7662 §2.1): the same form body, the same client_secret_basic or
 * client_secret_post credentials, the same {@link ClientAuthenticator} and lifecycle policy, and
 * the same one indistinguishable 401 invalid_client for every refusal.
 */
final class ClientAuthentication {

  /** The audit kind of a client refused at one of these endpoints. */
  static final String CLIENT_REFUSED = "client.refused";

  /**
   * An authenticated client and the parameters it sent.
   *
   * @param form each parameter's values; the declared ones occur at most once
   */
  record Request(ServiceAccount client, Map<String, List<String>> form) {

    /** The value of a declared parameter, or {@code null}. */
    String parameter(String name) {
      List<String> values = form.get(name);
      return values == null ? null : values.get(0);
    }
  }

  private static final String FORM = "application/x-www-form-urlencoded";

  private final ClientAuthenticator authenticator;
  private final ClientRefusals refusals;

  ClientAuthentication(ClientAuthenticator authenticator, ClientRefusals refusals) {
    this.authenticator = authenticator;
    this.refusals = refusals;
  }

  /**
   * Reads the form and authenticates the client that sent it.
   *
   * @param parameters what the endpoint reads, besides client_id and client_secret
   * @param endpoint the endpoint's name in the audit trail ({@code revoke})
   * @throws OAuthError invalid_request for a malformed request, invalid_client for any refusal
   */
  Request authenticate(Context ctx, Set<String> parameters, String endpoint) {
    String contentType = ctx.header("Content-Type");
    if (contentType == null || !isForm(contentType)) {
      throw OAuthError.invalidRequest(
          "the request body must be " + FORM + " (Content-Type was " + contentType + ")");
    }
    // RFC 6749 §2.3.1: client credentials "MUST NOT be included in the request URI"; nor may the
    // token, which URIs would leave in logs.
    for (String name : ctx.queryParamMap().keySet()) {
      if (name.equals("client_id") || name.equals("client_secret") || parameters.contains(name)) {
        throw OAuthError.invalidRequest(
            "parameters must be sent in the request body, never in the URI (" + name + ")");
      }
    }
    Map<String, List<String>> form = FormBody.parse(ctx.bodyAsBytes());
    // RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once."
    for (Map.Entry<String, List<String>> p : form.entrySet()) {
      boolean declared =
          parameters.contains(p.getKey())
              || p.getKey().equals("client_id")
              || p.getKey().equals("client_secret");
      if (declared && p.getValue().size() > 1) {
        throw OAuthError.invalidRequest("the parameter " + p.getKey() + " is repeated");
      }
    }
    ClientCredentials credentials = ClientCredentials.from(ctx.header("Authorization"), form);
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
          CLIENT_REFUSED,
          credentials,
          outcome,
          ClientAddress.of(ctx),
          Map.of("endpoint", endpoint));
      throw OAuthError.invalidClient("client authentication failed");
    }
    return new Request(outcome.account().account(), form);
  }

  /** True for form-urlencoded in UTF-8 (or US-ASCII), the only body RFC 6749 §3.2 allows. */
  static boolean isForm(String contentType) {
    String[] parts = contentType.split(";", -1);
    if (!parts[0].trim().equalsIgnoreCase(FORM)) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim().toLowerCase(Locale.ROOT);
      if (param.startsWith("charset=")) {
        String charset = param.substring("charset=".length()).replace("\"", "");
        if (!charset.equals("utf-8") && !charset.equals("us-ascii")) {
          return false;
        }
      }
    }
    return true;
  }
}
