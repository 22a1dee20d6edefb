package io.idxauth.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code GET /.well-known/oauth-authorization-server}: RFC 8414 authorization server metadata. */
final class MetadataEndpoint implements Handler {

  static final String PATH = "/.well-known/oauth-authorization-server";

  private final String issuer;
  private final Supplier<List<String>> scopes;
  private final ObjectMapper json;

  MetadataEndpoint(String issuer, Supplier<List<String>> scopes, ObjectMapper json) {
    this.issuer = issuer;
    this.scopes = scopes;
    this.json = json;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    Map<String, Object> metadata = new LinkedHashMap<>();
    // RFC 8414 §3.3: the issuer value MUST be identical to the issuer the metadata was asked of.
    metadata.put("issuer", issuer);
    metadata.put("token_endpoint", issuer + "/oauth2/token");
    metadata.put("jwks_uri", issuer + JwksEndpoint.PATH);
    metadata.put("scopes_supported", scopes.get());
    metadata.put("response_types_supported", List.of());
    metadata.put("grant_types_supported", List.of("client_credentials"));
    metadata.put(
        "token_endpoint_auth_methods_supported",
        List.of("client_secret_basic", "client_secret_post"));
    metadata.put("revocation_endpoint", issuer + RevocationEndpoint.PATH);
    metadata.put(
        "revocation_endpoint_auth_methods_supported",
        List.of("client_secret_basic", "client_secret_post"));
    metadata.put("introspection_endpoint", issuer + IntrospectionEndpoint.PATH);
    metadata.put(
        "introspection_endpoint_auth_methods_supported",
        List.of("client_secret_basic", "client_secret_post"));
    metadata.put("service_documentation", issuer + "/openapi.yaml");
    ctx.header("Cache-Control", "public, max-age=300");
    ctx.contentType("application/json").result(json.writeValueAsBytes(metadata));
  }
}
