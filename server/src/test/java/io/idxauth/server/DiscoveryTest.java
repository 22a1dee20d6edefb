package io.idxauth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 8414 metadata, the RFC 7517 JWKS, the OpenAPI document, health and unknown paths. */
class DiscoveryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestService service;

  @BeforeAll
  static void start() {
    service = TestService.start(TestService.tempDir());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void metadata_names_issuer_token_endpoint_and_jwks() throws Exception {
    HttpResponse<String> response = service.get("/.well-known/oauth-authorization-server");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode metadata = JSON.readTree(response.body());
    String issuer = service.issuer();
    assertThat(metadata.path("issuer").asText()).isEqualTo(issuer);
    assertThat(metadata.path("token_endpoint").asText()).isEqualTo(issuer + "/oauth2/token");
    assertThat(metadata.path("jwks_uri").asText()).isEqualTo(issuer + "/oauth2/jwks");
    assertThat(metadata.path("grant_types_supported").toString())
        .isEqualTo("[\"client_credentials\"]");
    assertThat(metadata.path("token_endpoint_auth_methods_supported").toString())
        .contains("client_secret_basic", "client_secret_post");
    assertThat(metadata.path("scopes_supported").toString())
        .isEqualTo("[\"flowctl\",\"idx-admin\",\"mtrd\",\"pqd\",\"sord\"]");
  }

  @Test
  void jwks_publishes_the_signing_key_without_private_parts() throws Exception {
    HttpResponse<String> response = service.get("/oauth2/jwks");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/jwk-set+json");
    JsonNode keys = JSON.readTree(response.body()).path("keys");
    assertThat(keys).hasSize(1);
    JsonNode key = keys.get(0);
    assertThat(key.path("kty").asText()).isEqualTo("RSA");
    assertThat(key.path("use").asText()).isEqualTo("sig");
    assertThat(key.path("alg").asText()).isEqualTo("RS256");
    assertThat(key.path("kid").asText()).isEqualTo(service.server().signingKeyId());
    for (String privatePart : new String[] {"d", "p", "q", "dp", "dq", "qi"}) {
      assertThat(key.has(privatePart)).as(privatePart).isFalse();
    }
  }

  @Test
  void openapi_document_of_the_access_token_api_is_served() {
    HttpResponse<String> response = service.get("/openapi.yaml");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("openapi: 3")
        .contains("Access Token API")
        .contains("1.0.0")
        .contains("/oauth2/token");
  }

  @Test
  void ready_once_the_service_can_issue() {
    HttpResponse<String> response = service.get("/health/ready");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"UP\"").contains("\"store\":\"reachable\"");
    assertThat(service.get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void unknown_path_is_a_404_problem() throws Exception {
    HttpResponse<String> response = service.get("/no/such/thing");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/problem+json");
    assertThat(JSON.readTree(response.body()).path("status").asInt()).isEqualTo(404);
  }
}
