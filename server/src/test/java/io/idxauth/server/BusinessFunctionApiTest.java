package io.idxauth.server;

import static io.idxauth.server.TestService.CLIENT;
import static io.idxauth.server.TestService.SECRET;
import static io.idxauth.server.TestService.form;
import static io.idxauth.server.TestService.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The Business Function Information API: any valid token of the service opens it, scoped or not,
 * with the two IDX headers; every refusal is an RFC 9457 problem with a traceability id.
 */
class BusinessFunctionApiTest {

  private static final String LIST = "/bfi/v1/business-functions";
  private static final String REALM = "Bearer realm=\"idx-bfi\"";

  private static TestService service;
  private static String unscoped;

  @BeforeAll
  static void start() {
    service = TestService.start(TestService.tempDir());
    unscoped = unscopedToken();
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  // --- who may call ------------------------------------------------------------------------------

  @Test
  void unscoped_token_opens_the_catalogue() {
    HttpResponse<String> response = call(LIST, unscoped);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
  }

  @Test
  void scoped_token_opens_it_too() {
    assertThat(call(LIST, service.accessToken("pqd mtrd")).statusCode()).isEqualTo(200);
    assertThat(call(LIST, service.operatorToken()).statusCode()).isEqualTo(200);
  }

  @Test
  void no_token_is_401_with_the_bare_challenge_and_a_problem() {
    HttpResponse<String> response = call(LIST, null);

    assertThat(response.statusCode()).isEqualTo(401);
    // RFC 6750 §3.1: no authentication information, no error code.
    assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(REALM);
    assertProblem(response, 401);
  }

  @Test
  void other_authentication_scheme_is_treated_as_no_token() {
    HttpResponse<String> response =
        send(request(LIST).header("Authorization", TestService.basic(CLIENT, SECRET)));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(REALM);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"not-a-jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "tampered"})
  void invalid_token_is_401_invalid_token(String token) {
    String bad = token.equals("tampered") ? tampered(unscoped) : token;

    HttpResponse<String> response = call(LIST, bad);
    if (response.statusCode() != 401) {
      System.out.println("TAMPER original=" + unscoped + "\nTAMPER bad=" + bad);
    }

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith(REALM + ", error=\"invalid_token\", error_description=");
    assertProblem(response, 401);
  }

  @Test
  void revoked_token_is_401_invalid_token() {
    String token = unscopedToken();
    assertThat(call(LIST, token).statusCode()).isEqualTo(200);

    HttpResponse<String> revoked =
        service.send(
            HttpRequest.newBuilder(URI.create(service.base() + "/oauth2/revoke"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        form("token", token, "client_id", CLIENT, "client_secret", SECRET)))
                .build());
    assertThat(revoked.statusCode()).isEqualTo(200);

    HttpResponse<String> response = call(LIST, token);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"invalid_token\"")
        .contains("revoked");
  }

  @Test
  void authorization_header_given_twice_is_400_invalid_request() {
    HttpResponse<String> response =
        send(
            request(LIST)
                .header("Authorization", "Bearer " + unscoped)
                .header("Authorization", "Bearer " + unscoped)
                .header("x-initiatingParticipantId", "RETAILER01")
                .header("x-market", "NEM"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .contains(REALM + ", error=\"invalid_request\"");
  }

  // --- the IDX headers ---------------------------------------------------------------------------

  @Test
  void missing_initiating_participant_is_400_naming_the_header() {
    HttpResponse<String> response = call(LIST, unscoped, null, "NEM");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(assertProblem(response, 400).path("errors").get(0).asText())
        .isEqualTo("x-initiatingParticipantId: required");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"retailer01", "RETAILER011", "RETAIL-01", "R 1"})
  void malformed_initiating_participant_is_400_naming_the_header(String participant) {
    HttpResponse<String> response = call(LIST, unscoped, participant, "NEM");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(assertProblem(response, 400).path("errors").get(0).asText())
        .isEqualTo("x-initiatingParticipantId: '" + participant + "' is not 1-10 of [A-Z0-9]");
  }

  @Test
  void missing_market_is_400_naming_the_header() {
    HttpResponse<String> response = call(LIST, unscoped, "RETAILER01", null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(assertProblem(response, 400).path("errors").get(0).asText())
        .isEqualTo("x-market: required");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"nem", "XX", "Nem", "NSW"})
  void unknown_market_is_400_naming_the_header(String market) {
    HttpResponse<String> response = call(LIST, unscoped, "RETAILER01", market);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(assertProblem(response, 400).path("errors").get(0).asText())
        .startsWith("x-market: '" + market + "' is not one of NEM, AATELEC,")
        .endsWith("WAGAS, NSWACTGAS");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "NEM", "AATELEC", "ACTELEC", "NSWELEC", "NTELEC", "QLDELEC", "SAELEC", "TASELEC", "VICELEC",
        "WAELEC", "AATGAS", "ACTGAS", "NSWGAS", "NTGAS", "QLDGAS", "SAGAS", "TASGAS", "VICGAS",
        "WAGAS", "NSWACTGAS"
      })
  void every_market_code_is_accepted(String market) {
    assertThat(call(LIST, unscoped, "A", market).statusCode()).isEqualTo(200);
  }

  @Test
  void both_headers_wrong_are_both_named() {
    HttpResponse<String> response = call(LIST, unscoped, null, "XX");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(assertProblem(response, 400).path("errors"))
        .extracting(JsonNode::asText)
        .hasSize(2)
        .first()
        .isEqualTo("x-initiatingParticipantId: required");
  }

  @Test
  void header_given_twice_is_400() {
    HttpResponse<String> response =
        send(
            request(LIST)
                .header("Authorization", "Bearer " + unscoped)
                .header("x-initiatingParticipantId", "RETAILER01")
                .header("x-market", "NEM")
                .header("x-market", "VICGAS"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(assertProblem(response, 400).path("errors").get(0).asText())
        .isEqualTo("x-market: given more than once");
  }

  @Test
  void token_is_checked_before_the_headers() {
    assertThat(call(LIST, null, null, null).statusCode()).isEqualTo(401);
  }

  // --- what it answers ---------------------------------------------------------------------------

  @Test
  void list_has_every_business_function_by_id_without_resources() {
    JsonNode body = json(call(LIST, unscoped));

    assertThat(body.fieldNames()).toIterable().containsExactly("businessFunctions");
    JsonNode items = body.path("businessFunctions");
    assertThat(items)
        .extracting(i -> i.path("businessFunctionId").asText())
        .contains("mtrd", "pqd", "sord")
        .doesNotContain("flowctl", "idx-admin")
        .isSorted();
    JsonNode pqd = byId(items, "pqd");
    assertThat(pqd.fieldNames())
        .toIterable()
        .containsExactly("businessFunctionId", "name", "description");
    assertThat(pqd.path("name").asText()).isEqualTo("Power Quality Data");
    assertThat(pqd.path("description").asText()).isEqualTo("Power quality data");
    // Without a title, the name is the description.
    assertThat(byId(items, "mtrd").path("name").asText()).isEqualTo("Meter data");
  }

  @Test
  void expand_true_adds_the_resources() throws Exception {
    JsonNode items = json(call(LIST + "?expand=true", unscoped)).path("businessFunctions");

    assertThat(byId(items, "pqd").path("resources"))
        .isEqualTo(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(
                    """
                    [{"resource": "PowerQualityData", "schemaVersions": ["1.0", "1.1"],
                      "payloadTypes": ["application/json", "text/csv"], "retention": "P7Y"}]
                    """));
    assertThat(byId(items, "mtrd").path("resources").isArray()).isTrue();
    assertThat(byId(items, "mtrd").path("resources")).isEmpty();
  }

  @Test
  void expand_false_is_the_default() {
    JsonNode items = json(call(LIST + "?expand=false", unscoped)).path("businessFunctions");

    assertThat(byId(items, "pqd").has("resources")).isFalse();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"?expand=yes", "?expand=TRUE", "?expand=", "?expand=true&expand=true"})
  void expand_other_than_true_or_false_is_400_naming_it(String query) {
    HttpResponse<String> response = call(LIST + query, unscoped);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(assertProblem(response, 400).path("errors").get(0).asText()).startsWith("expand: ");
  }

  @Test
  void single_business_function_always_has_its_resources() {
    HttpResponse<String> response = call(LIST + "/pqd", unscoped);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode pqd = json(response);
    assertThat(pqd.path("businessFunctionId").asText()).isEqualTo("pqd");
    assertThat(pqd.path("name").asText()).isEqualTo("Power Quality Data");
    assertThat(pqd.path("resources").get(0).path("resource").asText())
        .isEqualTo("PowerQualityData");
    assertThat(json(call(LIST + "/sord", unscoped)).path("resources").isArray()).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"xyz", "flowctl", "idx-admin", "PQD"})
  void unknown_business_function_is_a_404_problem(String id) {
    HttpResponse<String> response = call(LIST + "/" + id, unscoped);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(assertProblem(response, 404).path("detail").asText())
        .isEqualTo("no business function '" + id + "'");
  }

  @Test
  void business_function_imported_while_serving_appears_within_the_revision_poll() {
    service.provision(
        """
        entities:
          - name: cats
            kind: business-function
            description: Customer and site details
            operations: [read]
            resources:
              - {resource: SiteDetails, schemaVersions: ['2.0'], payloadTypes: [application/json], retention: P1Y}
        """);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(2));
    HttpResponse<String> response = call(LIST + "/cats", unscoped);
    while (response.statusCode() == 404 && Instant.now().isBefore(deadline)) {
      pause();
      response = call(LIST + "/cats", unscoped);
    }

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("resources").get(0).path("retention").asText()).isEqualTo("P1Y");
  }

  // --- problems, methods, the document -----------------------------------------------------------

  @Test
  void traceability_id_of_a_refusal_is_the_request_id_and_is_in_the_log_line() {
    Logger logger = (Logger) LoggerFactory.getLogger(BusinessFunctionEndpoint.class);
    Level before = logger.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    logger.addAppender(captured);
    logger.setLevel(Level.INFO);
    try {
      HttpResponse<String> response = call(LIST, unscoped, "RETAILER01", "XX");

      String id = assertProblem(response, 400).path("traceabilityId").asText();
      assertThat(id).hasSizeGreaterThanOrEqualTo(16);
      assertThat(captured.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anySatisfy(line -> assertThat(line).contains(id).contains("x-market"));
    } finally {
      logger.detachAppender(captured);
      logger.setLevel(before);
    }
  }

  @Test
  void other_methods_are_405_allowing_get() {
    HttpResponse<String> response =
        send(
            request(LIST)
                .header("Authorization", "Bearer " + unscoped)
                .method("POST", HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).contains("GET");
    assertProblem(response, 405);
  }

  @Test
  void openapi_document_is_served_without_a_token_and_every_operation_in_it_is_routed()
      throws Exception {
    HttpResponse<String> document = service.get("/bfi/v1/openapi.yaml");
    assertThat(document.statusCode()).isEqualTo(200);
    assertThat(document.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/yaml");

    JsonNode paths = new YAMLMapper().readTree(document.body()).path("paths");
    List<String> unrouted = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : paths.properties()) {
      String concrete = path.getKey().replace("{businessFunctionId}", "pqd");
      if (call(concrete, unscoped).statusCode() != 200) {
        unrouted.add(path.getKey());
      }
    }
    assertThat(paths.size()).isEqualTo(3);
    assertThat(unrouted).isEmpty();
  }

  @Test
  void not_on_the_management_listener() {
    assertThat(service.getManagement(LIST).statusCode()).isEqualTo(404);
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** A GET with a token and the fixture's participant and market. */
  private static HttpResponse<String> call(String path, String token) {
    return call(path, token, "RETAILER01", "NEM");
  }

  /** A GET; a {@code null} token or header is left out. */
  private static HttpResponse<String> call(
      String path, String token, String participant, String market) {
    HttpRequest.Builder request = request(path);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (participant != null) {
      request.header("x-initiatingParticipantId", participant);
    }
    if (market != null) {
      request.header("x-market", market);
    }
    return send(request);
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(service.base() + path)).GET();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    return service.send(request.build());
  }

  /** A token requested without a scope: no entitlements at all. */
  private static String unscopedToken() {
    HttpResponse<String> response =
        service.postForm(
            form(
                "grant_type", "client_credentials",
                "client_id", CLIENT,
                "client_secret", SECRET));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).doesNotContain("\"scope\"");
    return json(response).path("access_token").asText();
  }

  /** The token with one character of its signature changed. */
  private static String tampered(String token) {
    int last = token.length() - 5;
    char c = token.charAt(last) == 'A' ? 'B' : 'A';
    return token.substring(0, last) + c + token.substring(last + 1);
  }

  /** The RFC 9457 body of a refusal, whose traceabilityId is the response's X-Request-Id. */
  private static JsonNode assertProblem(HttpResponse<String> response, int status) {
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    JsonNode problem = json(response);
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    assertThat(problem.path("title").asText()).isNotEmpty();
    assertThat(problem.path("traceabilityId").asText())
        .isNotEmpty()
        .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
    return problem;
  }

  private static JsonNode byId(JsonNode items, String id) {
    for (JsonNode item : items) {
      if (item.path("businessFunctionId").asText().equals(id)) {
        return item;
      }
    }
    throw new AssertionError("no business function " + id + " in " + items);
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
