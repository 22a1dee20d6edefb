package io.idxauth.server;

import static io.idxauth.server.TestService.CLIENT;
import static io.idxauth.server.TestService.SECRET;
import static io.idxauth.server.TestService.basic;
import static io.idxauth.server.TestService.form;
import static io.idxauth.server.TestService.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /oauth2/introspect} (RFC 7662) over a real socket. */
class IntrospectionTest {

  private static TestService service;
  private static TokenCalls calls;

  @BeforeAll
  static void start() {
    service = TestService.start(TestService.tempDir());
    calls = new TokenCalls(service);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void an_active_token_shows_its_claims() throws Exception {
    String token = service.accessToken("pqd mtrd");
    JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();

    HttpResponse<String> response = calls.introspect(token);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    JsonNode body = json(response);
    assertThat(body.path("active").asBoolean()).isTrue();
    assertThat(body.path("scope").asText()).isEqualTo(claims.getStringClaim("scope"));
    assertThat(body.path("client_id").asText()).isEqualTo(CLIENT);
    assertThat(body.path("sub").asText()).isEqualTo(CLIENT);
    assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(body.path("iss").asText()).isEqualTo(service.issuer());
    assertThat(body.path("aud").asText()).isEqualTo("idx-api");
    assertThat(body.path("jti").asText()).isEqualTo(claims.getJWTID());
    assertThat(body.path("exp").asLong())
        .isEqualTo(claims.getExpirationTime().toInstant().getEpochSecond());
    assertThat(body.path("iat").asLong())
        .isEqualTo(claims.getIssueTime().toInstant().getEpochSecond());
    assertThat(body.path("nbf").asLong())
        .isEqualTo(claims.getNotBeforeTime().toInstant().getEpochSecond());
    assertThat(body.path("participant_id").asText()).isEqualTo("RETAILER01");
    JsonNode pqd = body.path("authorization_details").get(0);
    assertThat(pqd.path("type").asText()).isEqualTo("idx_entity");
    assertThat(body.path("authorization_details").toString())
        .contains("\"identifier\":\"pqd\"")
        .contains("\"identifier\":\"mtrd\"")
        .contains("RETAILER02");
  }

  @Test
  void an_unscoped_token_is_active_without_scope_or_entitlements() {
    String token = calls.token(CLIENT, SECRET, null);

    JsonNode body = json(calls.introspect(token));

    assertThat(body.path("active").asBoolean()).isTrue();
    assertThat(body.has("scope")).isFalse();
    assertThat(body.has("authorization_details")).isFalse();
    assertThat(body.path("client_id").asText()).isEqualTo(CLIENT);
  }

  @Test
  void client_secret_basic_authenticates_as_at_the_token_endpoint() {
    String token = calls.token("dnsp01-app", "dnsp01-secret", "flowctl");

    HttpResponse<String> response =
        calls.post(
            IntrospectionEndpoint.PATH,
            form("token", token, "token_type_hint", "access_token"),
            "Authorization",
            basic("dnsp01-app", "dnsp01-secret"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("active").asBoolean()).isTrue();
    assertThat(json(response).path("participant_id").asText()).isEqualTo("DNSP01");
  }

  @Test
  void another_clients_token_is_inactive_to_it() {
    String token = service.accessToken("pqd");

    HttpResponse<String> response = calls.introspect("dnsp01-app", "dnsp01-secret", token);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"active\":false}");
    assertThat(json(calls.introspect(token)).path("active").asBoolean()).isTrue();
  }

  @Test
  void a_revoked_token_is_inactive() {
    String token = service.accessToken("pqd");
    assertThat(calls.revoke(token).statusCode()).isEqualTo(200);

    assertThat(calls.introspect(token).body()).isEqualTo("{\"active\":false}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.e30."})
  void a_malformed_token_is_inactive(String token) {
    HttpResponse<String> response = calls.introspect(token);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"active\":false}");
  }

  @Test
  void a_token_signed_by_another_key_is_inactive() throws Exception {
    assertThat(calls.introspect(calls.forgedToken()).body()).isEqualTo("{\"active\":false}");
  }

  @Test
  void an_expired_token_is_inactive() throws Exception {
    String expired =
        calls.ownTokenIssuedAt(Instant.now().minus(Duration.ofHours(2)), Duration.ofMinutes(5));

    assertThat(calls.introspect(expired).body()).isEqualTo("{\"active\":false}");
  }

  @Test
  void a_token_expired_moments_ago_is_inactive_despite_clock_skew_leeway() throws Exception {
    // Expired 10 s ago: within the verifier's clock-skew leeway, but no longer active.
    String expired =
        calls.ownTokenIssuedAt(Instant.now().minus(Duration.ofSeconds(70)), Duration.ofMinutes(1));

    assertThat(calls.introspect(expired).body()).isEqualTo("{\"active\":false}");
  }

  @Test
  void a_token_minted_with_the_service_key_now_is_active() throws Exception {
    // The control for the two tests above: the minting path itself yields active tokens.
    String fresh = calls.ownTokenIssuedAt(Instant.now(), Duration.ofMinutes(5));

    assertThat(json(calls.introspect(fresh)).path("active").asBoolean()).isTrue();
  }

  @Test
  void a_wrong_secret_is_401_invalid_client_with_a_basic_challenge() {
    HttpResponse<String> response = calls.introspect(CLIENT, "wrong", service.accessToken("pqd"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_client");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
  }

  @Test
  void a_disabled_account_is_refused_like_a_wrong_secret() {
    HttpResponse<String> response =
        calls.introspect("suspended-app", "suspended-secret", service.accessToken("pqd"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void without_client_credentials_it_is_401_invalid_client() {
    HttpResponse<String> response =
        calls.post(IntrospectionEndpoint.PATH, form("token", service.accessToken("pqd")));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void a_missing_token_is_invalid_request() {
    HttpResponse<String> response =
        calls.post(IntrospectionEndpoint.PATH, form("client_id", CLIENT, "client_secret", SECRET));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void only_post_is_allowed() {
    HttpResponse<String> response = service.get(IntrospectionEndpoint.PATH);

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void metadata_names_the_introspection_endpoint() {
    JsonNode metadata = json(service.get(MetadataEndpoint.PATH));

    assertThat(metadata.path("introspection_endpoint").asText())
        .isEqualTo(service.issuer() + "/oauth2/introspect");
    assertThat(metadata.path("introspection_endpoint_auth_methods_supported").toString())
        .isEqualTo("[\"client_secret_basic\",\"client_secret_post\"]");
  }
}
