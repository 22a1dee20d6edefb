package io.idxauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.idxauth.server.TestService;
import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision endpoint behind a real nginx, started by this test with the example configuration
 * docs/nginx/idx-auth-decision.conf (only its ports changed): nginx asks the gateway about every
 * call and answers refusals from what the gateway says. Skipped where no nginx binary exists
 * (Debian: {@code apt-get install nginx}; {@code .ci/run} installs it where it can).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxDecisionTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Path EXAMPLE = Path.of("../docs/nginx/idx-auth-decision.conf");

  TestService service;
  EchoUpstream upstream;
  Gateway gateway;
  Process nginx;
  Path prefix;
  int port;
  String scoped;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Path binary = nginxBinary();
    assumeTrue(
        binary != null,
        "no nginx binary on this machine (looked at -Didx.nginx, on the PATH, in /usr/sbin and"
            + " /usr/local/sbin):"
            + " install the Debian package nginx to run this test; the decision endpoint itself"
            + " is still tested over HTTP in GatewayEndToEndTest");

    service = TestService.start(dir.resolve("service"));
    upstream = EchoUpstream.start();
    String echo = "http://127.0.0.1:" + upstream.port();
    RouteTable routes =
        RouteTable.parse(
            ("""
            routes:
              - {path: /pqd/v1/**, upstream: "%1$s", entity: pqd}
              - {path: /pqd/v2/**, upstream: "%1$s", entity: pqd, rateLimits: [1/minute]}
              - {path: /bfi/v1/**, upstream: "%1$s", entity: null}
            """)
                .formatted(echo)
                .getBytes(StandardCharsets.UTF_8));
    gateway =
        Gateway.start(
            new GatewayConfig(
                routes,
                "127.0.0.1",
                0,
                URI.create(service.issuer()),
                URI.create(service.base() + "/oauth2/jwks"),
                null,
                Duration.ZERO,
                null));
    scoped = service.accessToken("pqd");

    prefix = Files.createDirectories(dir.resolve("nginx"));
    port = TestService.freePort();
    String server =
        Files.readString(EXAMPLE)
            .replace("127.0.0.1:8081", "127.0.0.1:" + gateway.port())
            .replace("127.0.0.1:9001", "127.0.0.1:" + upstream.port())
            .replace("127.0.0.1:8080", "127.0.0.1:" + upstream.port())
            .replace("listen 127.0.0.1:8443", "listen 127.0.0.1:" + port);
    Files.writeString(prefix.resolve("idx-auth-decision.conf"), server);
    String p = prefix.toAbsolutePath().toString();
    Files.writeString(
        prefix.resolve("nginx.conf"),
        // As root, nginx's workers would drop to nobody, who cannot enter the temp directory.
        ("root".equals(System.getProperty("user.name")) ? "user root;\n" : "")
            + """
            worker_processes 1;
            pid %1$s/nginx.pid;
            error_log %1$s/error.log info;
            events { worker_connections 64; }
            http {
              access_log %1$s/access.log;
              client_body_temp_path %1$s/client_body;
              proxy_temp_path %1$s/proxy;
              fastcgi_temp_path %1$s/fastcgi;
              uwsgi_temp_path %1$s/uwsgi;
              scgi_temp_path %1$s/scgi;
              include %1$s/idx-auth-decision.conf;
            }
            """
                .formatted(p));
    nginx =
        new ProcessBuilder(
                binary.toString(),
                "-p",
                p,
                "-c",
                p + "/nginx.conf",
                "-e",
                p + "/error.log",
                "-g",
                "daemon off;")
            .redirectErrorStream(true)
            .redirectOutput(prefix.resolve("stdout.log").toFile())
            .start();
    awaitListening();
  }

  @AfterAll
  void stop() throws Exception {
    if (nginx != null) {
      nginx.destroy(); // SIGTERM: nginx's fast shutdown
      if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
        nginx.destroyForcibly();
      }
    }
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

  @Test
  void an_allowed_call_reaches_the_api_with_the_identity_the_gateway_established()
      throws Exception {
    HttpResponse<String> response =
        send(
            idx("/pqd/v1/readings?day=2026-11-30", scoped)
                .header("x-idx-client-id", "spoofed-app")
                .header("x-idx-participant-id", "RETAILER99"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    EchoUpstream.Seen seen = upstream.last();
    assertThat(seen.uri()).isEqualTo("/pqd/v1/readings?day=2026-11-30");
    assertThat(seen.header("x-idx-client-id")).containsExactly("retailer01-app");
    assertThat(seen.header("x-idx-participant-id")).containsExactly("RETAILER01");
    assertThat(seen.header("x-idx-initiating-participant-id")).containsExactly("RETAILER01");
    String trace = seen.header("x-idx-traceability-id").get(0);
    assertThat(trace).matches("[0-9a-f-]{36}");
    assertThat(response.headers().firstValue("x-idx-traceability-id")).hasValue(trace);
  }

  @Test
  void an_open_route_takes_any_valid_token() throws Exception {
    assertThat(send(idx("/bfi/v1/business-functions", service.accessToken("mtrd"))).statusCode())
        .isEqualTo(200);
  }

  @Test
  void no_token_is_401_with_the_bare_challenge() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/pqd/v1/x"))
                .header("x-initiatingParticipantId", "RETAILER01")
                .header("x-market", "NEM"));
    JsonNode problem = assertProblem(response, 401);
    assertThat(response.headers().allValues("WWW-Authenticate"))
        .containsExactly("Bearer realm=\"idx\"");
    assertThat(problem.has("error")).isFalse();
  }

  @Test
  void an_invalid_token_is_401_invalid_token() throws Exception {
    HttpResponse<String> response = send(idx("/pqd/v1/x", scoped.substring(0, 40) + "x.y.z"));
    JsonNode problem = assertProblem(response, 401);
    assertThat(problem.path("error").asText()).isEqualTo("invalid_token");
    assertThat(response.headers().allValues("WWW-Authenticate"))
        .singleElement()
        .asString()
        .startsWith("Bearer realm=\"idx\", error=\"invalid_token\"");
  }

  @Test
  void a_wrong_operation_is_403_insufficient_scope() throws Exception {
    HttpResponse<String> response =
        send(idx("/pqd/v1/x", scoped).method("DELETE", HttpRequest.BodyPublishers.noBody()));
    JsonNode problem = assertProblem(response, 403);
    assertThat(problem.path("error").asText()).isEqualTo("insufficient_scope");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"insufficient_scope\"")
        .endsWith("scope=\"pqd\"");
  }

  @Test
  void malformed_idx_headers_are_400() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/pqd/v1/x"))
                .header("Authorization", "Bearer " + scoped)
                .header("x-initiatingParticipantId", "RETAILER01")
                .header("x-market", "ATLANTIS"));
    assertThat(assertProblem(response, 400).path("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void past_the_rate_limit_is_429_with_retry_after() throws Exception {
    assertThat(send(idx("/pqd/v2/x", scoped)).statusCode()).isEqualTo(200);
    HttpResponse<String> limited = send(idx("/pqd/v2/x", scoped));
    assertProblem(limited, 429);
    assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 60L);
  }

  @Test
  void a_path_without_a_route_is_404() throws Exception {
    assertProblem(send(idx("/pqd/v9/x", scoped)), 404);
  }

  // --- helpers ----------------------------------------------------------------------------------

  JsonNode assertProblem(HttpResponse<String> response, int status) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    String trace = problem.path("traceabilityId").asText();
    assertThat(trace).matches("[0-9a-f-]{36}");
    assertThat(response.headers().allValues("x-idx-traceability-id")).containsExactly(trace);
    return problem;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  HttpRequest.Builder idx(String path, String token) {
    return HttpRequest.newBuilder(uri(path))
        .header("Authorization", "Bearer " + token)
        .header("x-initiatingParticipantId", "RETAILER01")
        .header("x-market", "NEM");
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The nginx to run: -Didx.nginx=PATH picks one, -Didx.nginx=none skips; else the usual places.
   */
  static Path nginxBinary() {
    String chosen = System.getProperty("idx.nginx");
    if (chosen != null) {
      return chosen.equals("none") || !Files.isExecutable(Path.of(chosen)) ? null : Path.of(chosen);
    }
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        candidates.add(Path.of(dir, "nginx"));
      }
    }
    candidates.add(Path.of("/usr/sbin/nginx"));
    candidates.add(Path.of("/usr/local/sbin/nginx"));
    return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }

  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!nginx.isAlive()) {
        throw new AssertionError("nginx exited at start: " + logs());
      }
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("nginx is not listening after 15 s: " + logs());
  }

  private String logs() throws IOException {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("stdout.log", "error.log")) {
      Path file = prefix.resolve(name);
      if (Files.exists(file)) {
        out.append('\n').append(name).append(":\n").append(Files.readString(file));
      }
    }
    return out.toString();
  }
}
