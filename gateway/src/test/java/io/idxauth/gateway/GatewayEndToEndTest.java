package io.idxauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import io.idxauth.server.TestService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The whole matrix on real sockets: a real token service ({@link TestService}), a small upstream
 * ({@link EchoUpstream}) and the gateway between them, with the fixture's accounts: retailer01-app
 * holds pqd [RETAILER01, RETAILER02] read+create and mtrd [RETAILER01] read; dnsp01-app holds
 * flowctl [DNSP01] execute.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayEndToEndTest {

  static final ObjectMapper JSON = new ObjectMapper();

  TestService service;
  EchoUpstream upstream;
  Gateway gateway;
  RouteTable routes;
  String scoped; // retailer01-app, scope "pqd mtrd"
  ListAppender<ILoggingEvent> logs;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    service = TestService.start(dir.resolve("service"));
    upstream = EchoUpstream.start();
    int nothingListens = TestService.freePort();
    String echo = "http://127.0.0.1:" + upstream.port();
    routes =
        RouteTable.parse(
            ("""
            routes:
              - {path: /pqd/v1/**, upstream: "%1$s", entity: pqd}
              - {path: /pqd/v2/**, upstream: "%1$s", entity: pqd, rateLimits: [2/minute]}
              - {path: /mtrd/v1/**, upstream: "%1$s", entity: mtrd}
              - {path: /flowctl/v1/**, upstream: "%1$s", entity: flowctl, operations: {POST: execute}}
              - {path: /bfi/v1/**, upstream: "%1$s", entity: null, rateLimits: [3/day]}
              - {path: /quiet/v1/**, upstream: "%1$s", entity: pqd, forwardToken: false}
              - {path: /slow/v1/**, upstream: "%1$s", entity: null, timeout: 500ms}
              - {path: /down/v1/**, upstream: "http://127.0.0.1:%2$d", entity: null}
            """)
                .formatted(echo, nothingListens)
                .getBytes(StandardCharsets.UTF_8));
    gateway = Gateway.start(config(routes));
    scoped = service.accessToken("pqd mtrd");

    logs = new ListAppender<>();
    logs.start();
    for (String name : List.of("io.idxauth.gateway.refusal", GatewayProxy.class.getName())) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      logger.setLevel(Level.INFO); // the server's logback-test.xml keeps the rest at WARN
      logger.addAppender(logs);
    }
  }

  GatewayConfig config(RouteTable table) {
    return new GatewayConfig(
        table,
        "127.0.0.1",
        0,
        URI.create(service.issuer()),
        URI.create(service.base() + "/oauth2/jwks"),
        null,
        Duration.ofMillis(200),
        Duration.ofSeconds(2));
  }

  @AfterAll
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (service != null) {
      service.close();
    }
  }

  // --- allowed ----------------------------------------------------------------------------------

  @Test
  void an_entitled_call_reaches_the_upstream_with_the_callers_identity() throws Exception {
    HttpResponse<String> response =
        send(
            call("GET", "/pqd/v1/readings/42?from=2026-01-01&to=2026-01-02", scoped)
                .header("x-initiatingParticipantId", "RETAILER02")
                .header("x-market", "NEM")
                .header("x-idx-client-id", "someone-else")
                .header("x-idx-participant-id", "RETAILER99")
                .header("X-Idx-Made-Up", "spoofed")
                .header("Accept", "application/json"));

    assertThat(response.statusCode()).isEqualTo(200);
    List<String> traces = response.headers().allValues("x-idx-traceability-id");
    assertThat(traces).hasSize(1).doesNotContain("from-the-upstream");
    String trace = traces.get(0);
    EchoUpstream.Seen seen = upstream.last();
    assertThat(seen.method()).isEqualTo("GET");
    assertThat(seen.uri()).isEqualTo("/pqd/v1/readings/42?from=2026-01-01&to=2026-01-02");
    assertThat(seen.header("x-idx-client-id")).containsExactly("retailer01-app");
    assertThat(seen.header("x-idx-participant-id")).containsExactly("RETAILER01");
    assertThat(seen.header("x-idx-initiating-participant-id")).containsExactly("RETAILER02");
    assertThat(seen.header("x-idx-traceability-id")).containsExactly(trace);
    assertThat(seen.header("x-idx-made-up")).isEmpty();
    assertThat(seen.header("x-initiatingParticipantId")).containsExactly("RETAILER02");
    assertThat(seen.header("x-market")).containsExactly("NEM");
    assertThat(seen.header("Accept")).containsExactly("application/json");
    // Kept by default, so that the upstream can check the token again.
    assertThat(seen.header("Authorization")).containsExactly("Bearer " + scoped);
    assertThat(seen.header("Host")).containsExactly("127.0.0.1:" + upstream.port());
  }

  @Test
  void the_token_stays_behind_when_the_route_says_so() throws Exception {
    HttpResponse<String> response = send(idx("GET", "/quiet/v1/x", scoped));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.last().header("Authorization")).isEmpty();
    assertThat(upstream.last().header("x-idx-client-id")).containsExactly("retailer01-app");
  }

  @Test
  void the_upstream_gets_the_path_the_gateway_judged() throws Exception {
    // Without normalisation the upstream would read /mtrd/v1/x, which this call was never checked
    // for; the gateway judges and forwards the one canonical path.
    HttpResponse<String> response = send(idx("GET", "/pqd/v1/a/../b/%41%20c", scoped));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.last().uri()).isEqualTo("/pqd/v1/b/A%20c");
  }

  @Test
  void ambiguous_paths_are_refused() throws Exception {
    for (String path : List.of("/pqd/v1/%2e%2e/%2e%2e/mtrd/v1/x", "/pqd/v1/a%2Fb", "/pqd//v1/x")) {
      HttpResponse<String> response = send(idx("GET", path, scoped));
      assertThat(response.statusCode()).as(path).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue(GatewayRefusals.PROBLEM_JSON);
    }
  }

  @Test
  void bodies_stream_both_ways() throws Exception {
    // Request: the upstream must see the first part before the caller has sent the second. (By
    // hand on a socket: the JDK's client holds an InputStream body back until it has 16 KiB. With
    // a Content-Length: the JDK's HttpServer upstream sits on a chunk until its trailing CRLF.)
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /pqd/v1/stream-up HTTP/1.1\r\n"
                  + "Host: gateway\r\n"
                  + "Authorization: Bearer "
                  + scoped
                  + "\r\n"
                  + "x-initiatingParticipantId: RETAILER01\r\n"
                  + "x-market: NEM\r\n"
                  + "Content-Length: 22\r\n"
                  + "Connection: close\r\n\r\n"
                  + "first part;")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(upstream.firstPartArrived.await(10, TimeUnit.SECONDS))
          .as("the upstream saw the first part while the body was still being sent")
          .isTrue();
      out.write("second part".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.setSoTimeout(10_000);
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("first part;second part");
      // Nothing added that the caller did not send.
      assertThat(upstream.last().header("Content-Type")).isEmpty();
      assertThat(upstream.last().header("User-Agent")).isEmpty();
    }

    // Response: the caller must read the first part before the upstream has written the rest.
    HttpResponse<InputStream> down =
        http.send(
            idx("GET", "/pqd/v1/stream-down", scoped).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    InputStream in = down.body();
    byte[] first = in.readNBytes("first part;".length());
    assertThat(new String(first)).isEqualTo("first part;");
    upstream.releaseSecondPart.countDown();
    assertThat(new String(in.readAllBytes())).isEqualTo("second part");
  }

  @Test
  void a_large_body_goes_through_unchanged() throws Exception {
    byte[] payload = new byte[8 * 1024 * 1024];
    new Random(42).nextBytes(payload);
    HttpResponse<byte[]> response =
        http.send(
            idx("POST", "/pqd/v1/echo", scoped)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(sha256(response.body())).isEqualTo(sha256(payload));
  }

  @Test
  void an_open_route_takes_any_valid_token_even_unscoped() throws Exception {
    HttpResponse<String> response = send(idx("GET", "/bfi/v1/business-functions", unscoped()));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.last().header("x-idx-client-id")).containsExactly("retailer01-app");
  }

  @Test
  void an_idx_service_operation_from_the_route_table() throws Exception {
    String dnsp = token("dnsp01-app", "dnsp01-secret", "flowctl");
    HttpResponse<String> allowed =
        send(
            call("POST", "/flowctl/v1/throttle", dnsp)
                .header("x-initiatingParticipantId", "DNSP01")
                .header("x-market", "VICELEC")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(allowed.statusCode()).isEqualTo(200);

    HttpResponse<String> get =
        send(
            call("GET", "/flowctl/v1/throttle", dnsp)
                .header("x-initiatingParticipantId", "DNSP01")
                .header("x-market", "VICELEC"));
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
  }

  // --- no, or no valid, token -------------------------------------------------------------------

  @Test
  void no_token_gets_the_bare_challenge() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(gatewayUri("/pqd/v1/x"))
                .header("x-initiatingParticipantId", "RETAILER01")
                .header("x-market", "NEM"));
    // RFC 6750 §3.1: no error code when the request carries no authentication at all.
    assertProblem(response, 401, null);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"idx\"");
  }

  @Test
  void another_scheme_is_no_bearer_token() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(gatewayUri("/pqd/v1/x"))
                .header("Authorization", "Basic cmV0YWlsZXIwMS1hcHA6eA==")
                .header("x-initiatingParticipantId", "RETAILER01")
                .header("x-market", "NEM"));
    assertProblem(response, 401, null);
  }

  @Test
  void an_expired_token_is_invalid() throws Exception {
    // A real token, checked by a validator whose clock runs two hours ahead: past its hour of life
    // and the 30 s leeway.
    try (TokenValidator later =
            TokenValidator.builder(URI.create(service.issuer()))
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(2)))
                .build();
        Gateway expiring = Gateway.start(config(routes), later)) {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + expiring.port() + "/pqd/v1/x"))
                  .header("Authorization", "Bearer " + scoped)
                  .header("x-initiatingParticipantId", "RETAILER01")
                  .header("x-market", "NEM"));
      assertInvalidToken(response, "expired");
    }
  }

  @Test
  void a_token_with_a_bad_signature_is_invalid() throws Exception {
    String[] parts = service.accessToken("pqd").split("\\.");
    char[] signature = parts[2].toCharArray();
    int middle = signature.length / 2;
    signature[middle] = signature[middle] == 'A' ? 'B' : 'A';
    String forged = parts[0] + "." + parts[1] + "." + new String(signature);

    assertInvalidToken(send(idx("GET", "/pqd/v1/x", forged)), "bad signature");
  }

  @Test
  void a_token_signed_by_an_unknown_key_is_invalid() throws Exception {
    // The real token's claims, signed with a key the issuer never published, under a made-up kid.
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("made-up-kid").generate();
    SignedJWT real = SignedJWT.parse(service.accessToken("pqd"));
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(real.getHeader().getType())
                .keyID(stranger.getKeyID())
                .build(),
            real.getJWTClaimsSet());
    forged.sign(new RSASSASigner(stranger));

    assertInvalidToken(send(idx("GET", "/pqd/v1/x", forged.serialize())), "unknown key");
  }

  @Test
  void a_revoked_token_is_refused_within_seconds() throws Exception {
    String token = service.accessToken("pqd");
    assertThat(send(idx("GET", "/pqd/v1/x", token)).statusCode()).isEqualTo(200);

    HttpResponse<String> revoked =
        send(
            HttpRequest.newBuilder(URI.create(service.base() + "/oauth2/revoke"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", TestService.basic(TestService.CLIENT, TestService.SECRET))
                .POST(HttpRequest.BodyPublishers.ofString(TestService.form("token", token))));
    assertThat(revoked.statusCode()).isEqualTo(200);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    HttpResponse<String> response;
    do {
      Thread.sleep(100);
      response = send(idx("GET", "/pqd/v1/x", token));
    } while (response.statusCode() == 200 && System.nanoTime() < deadline);
    assertInvalidToken(response, "revoked");
    // The other tokens of the same client still pass.
    assertThat(send(idx("GET", "/pqd/v1/x", scoped)).statusCode()).isEqualTo(200);
  }

  // --- valid token, not entitled ----------------------------------------------------------------

  @Test
  void an_unscoped_token_does_not_open_a_scoped_route() throws Exception {
    HttpResponse<String> response = send(idx("GET", "/pqd/v1/x", unscoped()));
    assertInsufficientScope(response, "pqd", "the token grants no entity");
  }

  @Test
  void another_entitys_token_does_not_open_the_route() throws Exception {
    HttpResponse<String> response = send(idx("GET", "/pqd/v1/x", service.accessToken("mtrd")));
    assertInsufficientScope(response, "pqd", "the token does not grant the entity 'pqd'");
  }

  @Test
  void right_entity_but_wrong_operation_is_forbidden() throws Exception {
    HttpResponse<String> response =
        send(idx("PUT", "/pqd/v1/x", scoped).PUT(HttpRequest.BodyPublishers.ofString("{}")));
    assertInsufficientScope(
        response, "pqd", "the token grants 'pqd' but not the operation 'update' this call needs");
  }

  @Test
  void right_entity_but_another_participant_is_forbidden() throws Exception {
    // mtrd is granted for RETAILER01 alone.
    HttpResponse<String> response =
        send(
            call("GET", "/mtrd/v1/x", scoped)
                .header("x-initiatingParticipantId", "RETAILER02")
                .header("x-market", "NEM"));
    assertInsufficientScope(
        response, "mtrd", "the token grants 'mtrd' read but not for the initiating participant");
  }

  // --- malformed IDX headers --------------------------------------------------------------------

  @Test
  void malformed_or_missing_idx_headers_are_bad_requests() throws Exception {
    Map<String, List<String>> cases =
        Map.of(
            "missing participant", List.of("x-market", "NEM"),
            "lower-case participant",
                List.of("x-initiatingParticipantId", "retailer01", "x-market", "NEM"),
            "participant too long",
                List.of("x-initiatingParticipantId", "RETAILER0001", "x-market", "NEM"),
            "participant twice",
                List.of(
                    "x-initiatingParticipantId",
                    "RETAILER01",
                    "x-initiatingParticipantId",
                    "RETAILER02",
                    "x-market",
                    "NEM"),
            "missing market", List.of("x-initiatingParticipantId", "RETAILER01"),
            "unknown market", List.of("x-initiatingParticipantId", "RETAILER01", "x-market", "XYZ"),
            "lower-case market",
                List.of("x-initiatingParticipantId", "RETAILER01", "x-market", "nem"));
    for (Map.Entry<String, List<String>> c : cases.entrySet()) {
      HttpRequest.Builder request = call("GET", "/pqd/v1/x", scoped);
      List<String> headers = c.getValue();
      for (int i = 0; i < headers.size(); i += 2) {
        request.header(headers.get(i), headers.get(i + 1));
      }
      HttpResponse<String> response = send(request);
      assertThat(response.statusCode()).as(c.getKey()).isEqualTo(400);
      assertThat(json(response).path("error").asText()).as(c.getKey()).isEqualTo("invalid_request");
      assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
          .as(c.getKey())
          .startsWith("Bearer realm=\"idx\", error=\"invalid_request\"");
    }
  }

  // --- rate limits ------------------------------------------------------------------------------

  @Test
  void past_the_rate_limit_the_participant_waits() throws Exception {
    assertThat(send(idx("GET", "/pqd/v2/x", scoped)).statusCode()).isEqualTo(200);
    assertThat(send(idx("GET", "/pqd/v2/x", scoped)).statusCode()).isEqualTo(200);
    HttpResponse<String> limited = send(idx("GET", "/pqd/v2/x", scoped));

    assertProblem(limited, 429, null);
    long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 30L); // 2/minute: one call every 30 s
    assertThat(json(limited).path("detail").asText()).contains("2/minute");

    // Counted per initiating participant: RETAILER02 still has its own allowance.
    HttpResponse<String> other =
        send(
            call("GET", "/pqd/v2/x", scoped)
                .header("x-initiatingParticipantId", "RETAILER02")
                .header("x-market", "NEM"));
    assertThat(other.statusCode()).isEqualTo(200);
  }

  @Test
  void an_open_route_counts_per_token_participant_not_per_claimed_participant() throws Exception {
    // /bfi/v1 allows 3 a day; inventing initiating participants does not buy more.
    String token = unscoped();
    List<Integer> statuses = new ArrayList<>();
    for (String participant : List.of("P1", "P2", "P3", "P4")) {
      statuses.add(
          send(call("GET", "/bfi/v1/business-functions", token)
                  .header("x-initiatingParticipantId", participant)
                  .header("x-market", "NEM"))
              .statusCode());
    }
    // Other tests may have used some of RETAILER01's allowance already: once refused, refused.
    assertThat(statuses).contains(429);
    assertThat(statuses.subList(statuses.indexOf(429), statuses.size())).containsOnly(429);
  }

  // --- upstream failures ------------------------------------------------------------------------

  @Test
  void an_upstream_that_is_down_is_a_bad_gateway() throws Exception {
    HttpResponse<String> response = send(idx("GET", "/down/v1/x", scoped));
    assertProblem(response, 502, null);
    assertThat(json(response).path("detail").asText()).doesNotContain("127.0.0.1");
  }

  @Test
  void an_upstream_that_stays_silent_is_a_gateway_timeout() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = send(idx("GET", "/slow/v1/x", scoped));
    assertProblem(response, 504, null);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  // --- the gateway's own answers ----------------------------------------------------------------

  @Test
  void no_route_is_not_found() throws Exception {
    assertProblem(send(idx("GET", "/sord/v1/x", scoped)), 404, null);
    assertProblem(send(idx("GET", "/_idx/nothing", scoped)), 404, null);
  }

  @Test
  void health_answers_without_a_token() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(gatewayUri("/_idx/health")));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
  }

  @Test
  void refusals_are_logged_once_with_the_traceability_id_and_never_the_token() throws Exception {
    HttpResponse<String> response =
        send(idx("DELETE", "/pqd/v1/x", scoped).DELETE()); // delete is not granted
    String trace = json(response).path("traceabilityId").asText();
    assertThat(response.headers().firstValue("x-idx-traceability-id")).hasValue(trace);

    List<ILoggingEvent> lines =
        logs.list.stream().filter(e -> e.getFormattedMessage().contains(trace)).toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).getKeyValuePairs())
        .anySatisfy(
            kv -> {
              assertThat(kv.key).isEqualTo("traceability_id");
              assertThat(kv.value).isEqualTo(trace);
            });
    String signature = scoped.substring(scoped.lastIndexOf('.') + 1);
    assertThat(logs.list)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(signature));
  }

  // --- decision endpoint ------------------------------------------------------------------------

  @Test
  void the_decision_endpoint_allows_with_the_identity_headers() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(gatewayUri("/_idx/decision"))
                .header("X-Original-Method", "POST")
                .header("X-Original-URI", "/pqd/v1/readings?x=1")
                .header("Authorization", "Bearer " + scoped)
                .header("x-initiatingParticipantId", "RETAILER02")
                .header("x-market", "NEM"));
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("x-idx-client-id")).hasValue("retailer01-app");
    assertThat(response.headers().firstValue("x-idx-participant-id")).hasValue("RETAILER01");
    assertThat(response.headers().firstValue("x-idx-initiating-participant-id"))
        .hasValue("RETAILER02");
    assertThat(response.headers().firstValue("x-idx-traceability-id")).isPresent();
  }

  @Test
  void the_decision_endpoint_denies_with_401_or_403_and_says_the_real_status() throws Exception {
    HttpResponse<String> noToken =
        send(
            HttpRequest.newBuilder(gatewayUri("/_idx/decision"))
                .header("X-Original-Method", "GET")
                .header("X-Original-URI", "/pqd/v1/x")
                .header("x-initiatingParticipantId", "RETAILER01")
                .header("x-market", "NEM"));
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(noToken.headers().firstValue("X-Idx-Status")).hasValue("401");
    assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"idx\"");

    HttpResponse<String> wrongOperation =
        send(
            HttpRequest.newBuilder(gatewayUri("/_idx/decision"))
                .header("X-Original-Method", "PUT")
                .header("X-Original-URI", "/pqd/v1/x")
                .header("Authorization", "Bearer " + scoped)
                .header("x-initiatingParticipantId", "RETAILER01")
                .header("x-market", "NEM"));
    assertThat(wrongOperation.statusCode()).isEqualTo(403);
    assertThat(wrongOperation.headers().firstValue("X-Idx-Status")).hasValue("403");

    HttpResponse<String> badMarket =
        send(
            HttpRequest.newBuilder(gatewayUri("/_idx/decision"))
                .header("X-Original-Method", "GET")
                .header("X-Original-URI", "/pqd/v1/x")
                .header("Authorization", "Bearer " + scoped)
                .header("x-initiatingParticipantId", "RETAILER01")
                .header("x-market", "MARS"));
    assertThat(badMarket.statusCode()).isEqualTo(403);
    assertThat(badMarket.headers().firstValue("X-Idx-Status")).hasValue("400");
    JsonNode problem = JSON.readTree(badMarket.headers().firstValue("X-Idx-Problem").orElseThrow());
    assertThat(problem.path("status").asInt()).isEqualTo(400);
    assertThat(problem.path("traceabilityId").asText())
        .isEqualTo(badMarket.headers().firstValue("x-idx-traceability-id").orElseThrow());

    HttpResponse<String> misconfigured =
        send(
            HttpRequest.newBuilder(gatewayUri("/_idx/decision"))
                .header("Authorization", "Bearer " + scoped));
    assertThat(misconfigured.statusCode()).isEqualTo(500);
  }

  // --- helpers ----------------------------------------------------------------------------------

  URI gatewayUri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }

  HttpRequest.Builder call(String method, String path, String token) {
    return HttpRequest.newBuilder(gatewayUri(path))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .header("Authorization", "Bearer " + token);
  }

  /** A call with the IDX headers of RETAILER01 in the NEM. */
  HttpRequest.Builder idx(String method, String path, String token) {
    return call(method, path, token)
        .header("x-initiatingParticipantId", "RETAILER01")
        .header("x-market", "NEM");
  }

  String unscoped() throws IOException {
    HttpResponse<String> response =
        service.postForm(
            TestService.form(
                "grant_type", "client_credentials",
                "client_id", TestService.CLIENT,
                "client_secret", TestService.SECRET));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.has("scope")).isFalse();
    return body.path("access_token").asText();
  }

  String token(String clientId, String secret, String scope) throws IOException {
    HttpResponse<String> response = service.token(clientId, secret, scope);
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body()).path("access_token").asText();
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  static void assertProblem(HttpResponse<String> response, int status, String error)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue(GatewayRefusals.PROBLEM_JSON);
    JsonNode body = json(response);
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("title").asText()).isNotBlank();
    String trace = body.path("traceabilityId").asText();
    assertThat(trace).matches("[0-9a-f-]{36}");
    assertThat(response.headers().firstValue("x-idx-traceability-id")).hasValue(trace);
    if (error != null) {
      assertThat(body.path("error").asText()).isEqualTo(error);
    }
  }

  static void assertInvalidToken(HttpResponse<String> response, String reason) throws IOException {
    assertProblem(response, 401, "invalid_token");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer realm=\"idx\", error=\"invalid_token\", error_description=\"")
        .contains(reason);
    assertThat(json(response).path("detail").asText()).contains(reason);
  }

  static void assertInsufficientScope(HttpResponse<String> response, String entity, String detail)
      throws IOException {
    assertProblem(response, 403, "insufficient_scope");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer realm=\"idx\", error=\"insufficient_scope\", error_description=\"")
        .endsWith("scope=\"" + entity + "\"");
    assertThat(json(response).path("detail").asText()).contains(detail);
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
