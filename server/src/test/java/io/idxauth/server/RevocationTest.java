package io.idxauth.server;

import static io.idxauth.server.TestService.CLIENT;
import static io.idxauth.server.TestService.SECRET;
import static io.idxauth.server.TestService.basic;
import static io.idxauth.server.TestService.form;
import static io.idxauth.server.TestService.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import io.idxauth.core.AuditEvent;
import io.idxauth.store.AuditLog;
import io.idxauth.store.Revocations;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /oauth2/revoke} (RFC 7009) and the revocation feed {@code GET /oauth2/revocations}
 * over a real socket.
 */
class RevocationTest {

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

  private static String jti(String token) throws Exception {
    return SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
  }

  private static long exp(String token) throws Exception {
    return SignedJWT.parse(token)
        .getJWTClaimsSet()
        .getExpirationTime()
        .toInstant()
        .getEpochSecond();
  }

  private static JsonNode feed(String query) {
    HttpResponse<String> response = service.get(RevocationFeedEndpoint.PATH + query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  private static List<String> jtis(JsonNode feed) {
    List<String> out = new ArrayList<>();
    feed.path("revoked").forEach(entry -> out.add(entry.path("jti").asText()));
    return out;
  }

  private static boolean active(String token) {
    return json(calls.introspect(token)).path("active").asBoolean();
  }

  @Test
  void a_revoked_token_is_inactive_at_once_and_listed_in_the_feed() throws Exception {
    String token = service.accessToken("pqd");
    assertThat(active(token)).isTrue();

    HttpResponse<String> response = calls.revoke(token);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(active(token)).isFalse();
    JsonNode feed = feed("");
    assertThat(jtis(feed)).contains(jti(token));
    for (JsonNode entry : feed.path("revoked")) {
      if (entry.path("jti").asText().equals(jti(token))) {
        assertThat(entry.path("exp").asLong()).isEqualTo(exp(token));
      }
    }
  }

  @Test
  void client_secret_basic_authenticates_as_at_the_token_endpoint() {
    String token = service.accessToken("mtrd");

    HttpResponse<String> response =
        calls.post(
            RevocationEndpoint.PATH, form("token", token), "Authorization", basic(CLIENT, SECRET));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(active(token)).isFalse();
  }

  @Test
  void a_revocation_is_stored_and_outlives_a_restart() throws Exception {
    try (TestService own = TestService.start(TestService.tempDir())) {
      TokenCalls ownCalls = new TokenCalls(own);
      String token = own.accessToken("pqd");
      assertThat(ownCalls.revoke(token).statusCode()).isEqualTo(200);

      own.restart();

      assertThat(json(ownCalls.introspect(token)).path("active").asBoolean()).isFalse();
      assertThat(jtis(json(own.get(RevocationFeedEndpoint.PATH)))).containsExactly(jti(token));
    }
  }

  @Test
  void revoking_is_audited_once_even_when_repeated() throws Exception {
    String token = service.accessToken("pqd");

    assertThat(calls.revoke(token).statusCode()).isEqualTo(200);
    assertThat(calls.revoke(token).statusCode()).isEqualTo(200);

    List<AuditEvent> events =
        service
            .server()
            .auditLog()
            .query(
                new AuditLog.Query(CLIENT, null, Revocations.TOKEN_REVOKED, null, null, 500, null))
            .items()
            .stream()
            .filter(e -> jti(e).equals(safeJti(token)))
            .toList();
    assertThat(events).hasSize(1);
    AuditEvent event = events.get(0);
    assertThat(event.actor()).isEqualTo(CLIENT);
    assertThat(event.participantId()).isEqualTo("RETAILER01");
    assertThat(((Number) event.detail().get("exp")).longValue()).isEqualTo(exp(token));
    assertThat(jtis(feed("")).stream().filter(safeJti(token)::equals)).hasSize(1);
  }

  private static String jti(AuditEvent event) {
    return String.valueOf(event.detail().get("jti"));
  }

  private static String safeJti(String token) {
    try {
      return jti(token);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void another_clients_token_is_refused_and_stays_active() {
    String token = service.accessToken("pqd");

    HttpResponse<String> response = calls.revoke("dnsp01-app", "dnsp01-secret", token);

    // RFC 7009 §2.1: the token must have been issued to the client making the request.
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("error").asText()).isEqualTo("unauthorized_client");
    assertThat(active(token)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.e30."})
  void an_invalid_token_is_answered_200_and_nothing_happens(String token) {
    int before = jtis(feed("")).size();

    HttpResponse<String> response = calls.revoke(token);

    // RFC 7009 §2.2: 200 "if the client submitted an invalid token".
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(jtis(feed(""))).hasSize(before);
  }

  @Test
  void a_token_signed_by_another_key_is_answered_200_and_not_stored() throws Exception {
    HttpResponse<String> response = calls.revoke(calls.forgedToken());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(jtis(feed(""))).doesNotContain("forged-jti");
  }

  @Test
  void an_expired_token_is_answered_200_and_not_stored() throws Exception {
    String expired =
        calls.ownTokenIssuedAt(Instant.now().minus(Duration.ofHours(2)), Duration.ofMinutes(5));

    HttpResponse<String> response = calls.revoke(expired);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(jtis(feed(""))).doesNotContain(jti(expired));
  }

  @ParameterizedTest
  @ValueSource(strings = {"access_token", "refresh_token", "id_token", "something-else"})
  void any_token_type_hint_is_ignored(String hint) {
    String token = service.accessToken("pqd");

    HttpResponse<String> response =
        calls.post(
            RevocationEndpoint.PATH,
            form(
                "client_id", CLIENT,
                "client_secret", SECRET,
                "token", token,
                "token_type_hint", hint));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(active(token)).isFalse();
  }

  @Test
  void a_wrong_secret_is_401_invalid_client_with_a_basic_challenge() {
    String token = service.accessToken("pqd");

    HttpResponse<String> response =
        calls.post(
            RevocationEndpoint.PATH, form("token", token), "Authorization", basic(CLIENT, "wrong"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_client");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic");
    assertThat(active(token)).isTrue();
  }

  @Test
  void a_disabled_account_is_refused_like_a_wrong_secret() {
    HttpResponse<String> response = calls.revoke("suspended-app", "suspended-secret", "x.y.z");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void without_client_credentials_it_is_401_invalid_client() {
    HttpResponse<String> response =
        calls.post(RevocationEndpoint.PATH, form("token", service.accessToken("pqd")));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void basic_and_post_together_is_invalid_request() {
    HttpResponse<String> response =
        calls.post(
            RevocationEndpoint.PATH,
            form("client_id", CLIENT, "client_secret", SECRET, "token", "x"),
            "Authorization",
            basic(CLIENT, SECRET));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void a_missing_token_is_invalid_request() {
    HttpResponse<String> response =
        calls.post(RevocationEndpoint.PATH, form("client_id", CLIENT, "client_secret", SECRET));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void a_repeated_token_is_invalid_request() {
    HttpResponse<String> response =
        calls.post(
            RevocationEndpoint.PATH,
            form("client_id", CLIENT, "client_secret", SECRET, "token", "a", "token", "b"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void a_token_in_the_uri_is_invalid_request() {
    String token = service.accessToken("pqd");

    HttpResponse<String> response =
        calls.post(
            RevocationEndpoint.PATH + "?token=" + token,
            form("client_id", CLIENT, "client_secret", SECRET));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(active(token)).isTrue();
  }

  @Test
  void another_content_type_is_invalid_request() {
    HttpResponse<String> response =
        calls.post(
            RevocationEndpoint.PATH,
            "{\"token\":\"x\"}",
            "Content-Type",
            "application/json",
            "Authorization",
            basic(CLIENT, SECRET));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void only_post_is_allowed() {
    HttpResponse<String> response = service.get(RevocationEndpoint.PATH);

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("POST");
  }

  // --- the feed ---------------------------------------------------------------------------------

  @Test
  void the_feed_is_public_and_not_cached() {
    HttpResponse<String> response = service.get(RevocationFeedEndpoint.PATH);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    assertThat(json(response).path("revision").isIntegralNumber()).isTrue();
    assertThat(json(response).path("revoked").isArray()).isTrue();
  }

  @Test
  void since_a_revision_the_feed_lists_only_later_revocations() throws Exception {
    String first = service.accessToken("pqd");
    calls.revoke(first);
    long revision = feed("").path("revision").asLong();
    String second = service.accessToken("pqd");
    calls.revoke(second);

    JsonNode increment = feed("?since=" + revision);

    assertThat(jtis(increment)).containsExactly(jti(second));
    assertThat(increment.path("revision").asLong()).isGreaterThan(revision);
    JsonNode nothingNew = feed("?since=" + increment.path("revision").asLong());
    assertThat(jtis(nothingNew)).isEmpty();
    assertThat(nothingNew.path("revision").asLong()).isEqualTo(increment.path("revision").asLong());
  }

  @Test
  void a_revision_the_service_has_not_reached_gets_everything() throws Exception {
    String token = service.accessToken("pqd");
    calls.revoke(token);

    JsonNode feed = feed("?since=999999999");

    assertThat(jtis(feed)).contains(jti(token));
    assertThat(feed.path("revision").asLong()).isLessThan(999999999);
  }

  @ParameterizedTest
  @ValueSource(strings = {"?since=", "?since=-1", "?since=abc", "?since=1&since=2", "?since=１"})
  void a_malformed_since_is_invalid_request(String query) {
    HttpResponse<String> response =
        service.send(
            HttpRequest.newBuilder(
                    URI.create(
                        service.base()
                            + RevocationFeedEndpoint.PATH
                            + query.replace("１", "%EF%BC%91")))
                .GET()
                .build());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void metadata_names_the_revocation_endpoint() {
    JsonNode metadata = json(service.get(MetadataEndpoint.PATH));

    assertThat(metadata.path("revocation_endpoint").asText())
        .isEqualTo(service.issuer() + "/oauth2/revoke");
    assertThat(metadata.path("revocation_endpoint_auth_methods_supported").toString())
        .isEqualTo("[\"client_secret_basic\",\"client_secret_post\"]");
  }
}
