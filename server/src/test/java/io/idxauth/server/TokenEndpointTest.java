package io.idxauth.server;

import static io.idxauth.server.TestService.CLIENT;
import static io.idxauth.server.TestService.SECRET;
import static io.idxauth.server.TestService.basic;
import static io.idxauth.server.TestService.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /oauth2/token} over a real socket: RFC 6749 §2.3, §3.2, §4.4 and §5. */
class TokenEndpointTest {

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

  private static String credentials(String... more) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "grant_type", "client_credentials", "client_id", CLIENT, "client_secret", SECRET));
    all.addAll(List.of(more));
    return form(all.toArray(String[]::new));
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  private static void assertError(HttpResponse<String> response, int status, String error)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    JsonNode body = json(response);
    assertThat(body.path("error").asText()).isEqualTo(error);
    assertThat(body.path("error_description").asText()).isNotBlank();
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.headers().firstValue("Pragma")).hasValue("no-cache");
  }

  // --- success --------------------------------------------------------------------------------

  @Test
  void client_secret_post_issues_a_bearer_token_with_no_store_headers() throws Exception {
    HttpResponse<String> response = service.postForm(credentials());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.headers().firstValue("Pragma")).hasValue("no-cache");
    JsonNode body = json(response);
    assertThat(body.path("access_token").asText()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
    assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(body.path("expires_in").asLong()).isBetween(3599L, 3600L);
    assertThat(body.has("refresh_token")).isFalse();
  }

  @Test
  void unscoped_request_gets_no_scope_in_response_or_token() throws Exception {
    JsonNode body = json(service.postForm(credentials()));

    assertThat(body.has("scope")).isFalse();
    JsonNode claims = verify(body).claims();
    assertThat(claims.has("scope")).isFalse();
    assertThat(claims.has("authorization_details")).isFalse();
  }

  @Test
  void client_secret_basic_with_form_encoded_special_characters_is_accepted() throws Exception {
    HttpResponse<String> response =
        service.postForm(
            form("grant_type", "client_credentials", "scope", "pqd"),
            "Authorization",
            basic(CLIENT, SECRET));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).path("scope").asText()).isEqualTo("pqd");
  }

  @Test
  void content_type_with_utf8_charset_is_accepted() {
    HttpResponse<String> response =
        service.postForm(
            credentials(), "Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");

    assertThat(response.statusCode()).isEqualTo(200);
  }

  // --- scope ----------------------------------------------------------------------------------

  @Test
  void granted_scope_is_listed_in_request_order() throws Exception {
    JsonNode body = json(service.postForm(credentials("scope", "mtrd pqd")));

    assertThat(body.path("scope").asText()).isEqualTo("mtrd pqd");
  }

  @Test
  void unentitled_and_unknown_entities_are_dropped_silently() throws Exception {
    HttpResponse<String> response = service.postForm(credentials("scope", "pqd sord nosuch"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("scope").asText()).isEqualTo("pqd");
  }

  @Test
  void repeated_scope_names_collapse() throws Exception {
    JsonNode body = json(service.postForm(credentials("scope", "pqd pqd mtrd pqd")));

    assertThat(body.path("scope").asText()).isEqualTo("pqd mtrd");
  }

  @Test
  void request_for_only_unentitled_entities_gets_an_unscoped_token() throws Exception {
    HttpResponse<String> response = service.postForm(credentials("scope", "sord flowctl"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).has("scope")).isFalse();
  }

  @Test
  void empty_scope_parameter_counts_as_omitted() throws Exception {
    HttpResponse<String> response = service.postForm(credentials() + "&scope=");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).has("scope")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pqd  mtrd", " pqd", "pqd ", "pqd\tmtrd", "pq\"d", "pq\\d", "pqé"})
  void malformed_scope_string_is_invalid_scope(String scope) throws Exception {
    assertError(service.postForm(credentials("scope", scope)), 400, "invalid_scope");
  }

  // --- the token itself -------------------------------------------------------------------------

  @Test
  void token_verifies_against_the_jwks_with_an_independent_verifier() throws Exception {
    JsonNode body = json(service.postForm(credentials("scope", "pqd mtrd")));

    IndependentVerifier.Verified token = verify(body);

    assertThat(token.header().path("alg").asText()).isEqualTo("RS256");
    assertThat(token.header().path("typ").asText()).isEqualTo("JWT");
    assertThat(token.header().path("kid").asText()).isEqualTo(service.server().signingKeyId());
    JsonNode claims = token.claims();
    assertThat(claims.path("iss").asText()).isEqualTo(service.issuer());
    assertThat(claims.path("sub").asText()).isEqualTo(CLIENT);
    assertThat(claims.path("client_id").asText()).isEqualTo(CLIENT);
    assertThat(claims.path("aud").asText()).isEqualTo("idx-api");
    assertThat(claims.path("participant_id").asText()).isEqualTo("RETAILER01");
    assertThat(claims.path("jti").asText()).isNotBlank();
    long iat = claims.path("iat").asLong();
    assertThat(claims.path("nbf").asLong()).isEqualTo(iat);
    assertThat(claims.path("exp").asLong()).isEqualTo(iat + 3600);
    assertThat(iat)
        .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(30L));
    assertThat(claims.path("scope").asText()).isEqualTo("pqd mtrd");
    assertThat(claims.path("authorization_details"))
        .isEqualTo(
            JSON.readTree(
                """
                [{"type":"idx_entity","identifier":"pqd","participant_ids":["RETAILER01","RETAILER02"],"actions":["create","read"]},
                 {"type":"idx_entity","identifier":"mtrd","participant_ids":["RETAILER01"],"actions":["read"]}]
                """));
  }

  @Test
  void each_token_has_its_own_jti() throws Exception {
    String first = verify(json(service.postForm(credentials()))).claims().path("jti").asText();
    String second = verify(json(service.postForm(credentials()))).claims().path("jti").asText();

    assertThat(first).isNotEqualTo(second);
  }

  private static IndependentVerifier.Verified verify(JsonNode body) throws Exception {
    String jwksUri =
        JSON.readTree(service.get("/.well-known/oauth-authorization-server").body())
            .path("jwks_uri")
            .asText();
    return IndependentVerifier.verify(body.path("access_token").asText(), jwksUri);
  }

  // --- client authentication ------------------------------------------------------------------

  @Test
  void unknown_client_wrong_secret_and_disabled_account_get_the_same_answer() throws Exception {
    HttpResponse<String> unknown =
        service.postForm(
            form("grant_type", "client_credentials", "client_id", "nobody", "client_secret", "x"));
    HttpResponse<String> wrong =
        service.postForm(
            form("grant_type", "client_credentials", "client_id", CLIENT, "client_secret", "x"));
    HttpResponse<String> disabled =
        service.postForm(
            form(
                "grant_type",
                "client_credentials",
                "client_id",
                "suspended-app",
                "client_secret",
                "suspended-secret"));

    for (HttpResponse<String> response : List.of(unknown, wrong, disabled)) {
      assertError(response, 401, "invalid_client");
      assertThat(response.body()).isEqualTo(unknown.body());
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .isEqualTo(unknown.headers().firstValue("WWW-Authenticate"));
    }
  }

  @Test
  void failed_basic_authentication_is_401_with_www_authenticate_basic() throws Exception {
    HttpResponse<String> response =
        service.postForm(
            form("grant_type", "client_credentials"), "Authorization", basic(CLIENT, "wrong"));

    assertError(response, 401, "invalid_client");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic");
  }

  @Test
  void basic_and_post_together_is_invalid_request() throws Exception {
    HttpResponse<String> response =
        service.postForm(credentials(), "Authorization", basic(CLIENT, SECRET));

    assertError(response, 400, "invalid_request");
  }

  @Test
  void no_client_authentication_is_invalid_client() throws Exception {
    assertError(service.postForm(form("grant_type", "client_credentials")), 401, "invalid_client");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "evil\nclient refused: client_id=forged",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "spa ce",
        ""
      })
  void client_id_no_account_can_have_is_an_unknown_client(String clientId) throws Exception {
    assertError(
        service.postForm(
            form("grant_type", "client_credentials", "client_id", clientId, "client_secret", "x")),
        401,
        "invalid_client");
  }

  @Test
  void oversized_chunked_body_is_refused_with_413() throws Exception {
    byte[] body = credentials("padding", "x".repeat(64 * 1024)).getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(service.base() + "/oauth2/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(body)))
            .build();

    assertError(service.send(request), 413, "invalid_request");
  }

  @Test
  void missing_client_secret_is_invalid_client() throws Exception {
    assertError(
        service.postForm(form("grant_type", "client_credentials", "client_id", CLIENT)),
        401,
        "invalid_client");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Basic", "Basic !!!", "Basic bm9jb2xvbg==", "Basic JTpZ"})
  void malformed_basic_credentials_are_invalid_request(String header) throws Exception {
    HttpResponse<String> response =
        service.postForm(form("grant_type", "client_credentials"), "Authorization", header);

    assertError(response, 400, "invalid_request");
  }

  @Test
  void other_authorization_scheme_is_invalid_client() throws Exception {
    assertError(
        service.postForm(form("grant_type", "client_credentials"), "Authorization", "Bearer abc"),
        401,
        "invalid_client");
  }

  // --- request errors -------------------------------------------------------------------------

  @Test
  void missing_grant_type_is_invalid_request() throws Exception {
    assertError(
        service.postForm(form("client_id", CLIENT, "client_secret", SECRET)),
        400,
        "invalid_request");
  }

  @Test
  void other_grant_type_is_unsupported_grant_type() throws Exception {
    assertError(
        service.postForm(
            form("grant_type", "password", "client_id", CLIENT, "client_secret", SECRET)),
        400,
        "unsupported_grant_type");
  }

  @ParameterizedTest
  @ValueSource(strings = {"grant_type", "client_id", "client_secret", "scope"})
  void repeated_parameter_is_invalid_request(String name) throws Exception {
    String body = credentials("scope", "pqd") + "&" + name + "=again";

    assertError(service.postForm(body), 400, "invalid_request");
  }

  @Test
  void unknown_parameters_are_ignored() {
    assertThat(service.postForm(credentials("resource", "x", "resource", "y")).statusCode())
        .isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        ";",
        ";;;",
        " ",
        "application/x-www-form-urlencoded; charset=nosuch",
        "application/x-www-form-urlencoded; charset=@",
        "text/plain; charset=@",
        ";charset=@"
      })
  void other_content_type_is_invalid_request(String contentType) throws Exception {
    assertError(
        service.postForm(credentials(), "Content-Type", contentType), 400, "invalid_request");
  }

  @Test
  void missing_content_type_is_invalid_request() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(service.base() + "/oauth2/token"))
            .POST(HttpRequest.BodyPublishers.ofString(credentials()))
            .build();

    assertError(service.send(request), 400, "invalid_request");
  }

  @Test
  void credentials_in_the_query_string_are_invalid_request() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(service.base() + "/oauth2/token?client_secret=" + "x"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(credentials()))
            .build();

    assertError(service.send(request), 400, "invalid_request");
  }

  @Test
  void oversized_body_is_refused_with_413_and_invalid_request() throws Exception {
    String body = credentials("padding", "x".repeat(64 * 1024));

    assertError(service.postForm(body), 413, "invalid_request");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "grant_type=client_credentials&client_id=%zz",
        "grant_type=client_credentials&client_id=%",
        "grant_type=client_credentials&client_id=%C3%28&client_secret=x",
      })
  void malformed_percent_encoding_is_invalid_request(String body) throws Exception {
    assertError(service.postForm(body), 400, "invalid_request");
  }

  @Test
  void invalid_utf8_body_is_invalid_request() throws Exception {
    byte[] body =
        "grant_type=client_credentials&client_id=\u00e9".getBytes(StandardCharsets.ISO_8859_1);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(service.base() + "/oauth2/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();

    assertError(service.send(request), 400, "invalid_request");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "&&&",
        "=",
        "==&==",
        "grant_type",
        "\u0000\u0001",
        "grant_type=client_credentials&client_id=&client_secret=",
        "{\"grant_type\":\"client_credentials\"}",
      })
  void garbage_bodies_never_get_a_server_error(String body) {
    HttpResponse<String> response = service.postForm(body);

    assertThat(response.statusCode()).isBetween(400, 499);
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO"})
  void other_methods_are_405_with_allow_post(String method) {
    HttpResponse<String> response =
        service.send(
            HttpRequest.newBuilder(URI.create(service.base() + "/oauth2/token"))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void error_bodies_never_echo_the_secret() {
    HttpResponse<String> response =
        service.postForm(
            form(
                "grant_type",
                "client_credentials",
                "client_id",
                CLIENT,
                "client_secret",
                "my-wrong-secret-value"));

    assertThat(response.body()).doesNotContain("my-wrong-secret-value");
  }
}
