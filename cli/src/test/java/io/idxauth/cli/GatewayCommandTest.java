package io.idxauth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.idxauth.server.TestService;
import io.idxauth.store.Database;
import io.idxauth.store.testing.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idx-auth gateway}: starts from a routes file, refuses a bad one and says why. */
class GatewayCommandTest {

  @TempDir Path dir;

  @Test
  void serves_the_routes_of_its_file_for_the_issuers_tokens() throws Exception {
    try (TestService service = TestService.start(dir.resolve("service"))) {
      Path routes = dir.resolve("routes.yaml");
      Files.writeString(
          routes,
          "routes:\n  - {path: /bfi/v1/**, upstream: '"
              + service.base()
              + "', entity: null, rateLimits: [1440/day]}\n");
      int port = TestService.freePort();
      Thread gateway =
          new Thread(
              () ->
                  Main.run(
                      new PrintWriter(new StringWriter(), true),
                      new PrintWriter(new StringWriter(), true),
                      "gateway",
                      "--routes",
                      routes.toString(),
                      "--port",
                      Integer.toString(port),
                      "--host",
                      "127.0.0.1",
                      "--issuer",
                      service.issuer(),
                      "--revocations-poll",
                      "500ms"));
      gateway.start();
      try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
        String base = "http://127.0.0.1:" + port;
        assertThat(await(http, base + "/_idx/health").statusCode()).isEqualTo(200);

        HttpResponse<String> noToken =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/bfi/v1/business-functions")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate"))
            .hasValue("Bearer realm=\"idx\"");

        HttpResponse<String> allowed =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/bfi/v1/business-functions"))
                    .header("Authorization", "Bearer " + service.accessToken("pqd"))
                    .header("x-initiatingParticipantId", "RETAILER01")
                    .header("x-market", "NEM")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        // Whatever the token service answers, it answered: the gateway let the call through.
        assertThat(allowed.headers().firstValue("x-idx-traceability-id")).isPresent();
        assertThat(allowed.statusCode()).isNotIn(401, 403, 429, 502, 504);
      } finally {
        gateway.interrupt();
        gateway.join(10_000);
      }
    }
  }

  @Test
  void gateways_given_the_store_share_a_participants_limit() throws Exception {
    assumeTrue(TestDatabases.postgresql(), "gateways share limits through PostgreSQL only");
    try (TestService service = TestService.start(dir.resolve("service"));
        Database store = TestDatabases.open(service.dataDir())) {
      Path routes = dir.resolve("routes.yaml");
      Files.writeString(
          routes,
          "routes:\n  - {path: /bfi/v1/**, upstream: '"
              + service.base()
              + "', entity: null, rateLimits: [2/day]}\n");
      List<Thread> gateways = new ArrayList<>();
      List<String> bases = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int port = TestService.freePort();
        bases.add("http://127.0.0.1:" + port);
        gateways.add(
            Thread.ofPlatform()
                .start(
                    () ->
                        Main.run(
                            new PrintWriter(new StringWriter(), true),
                            new PrintWriter(new StringWriter(), true),
                            "gateway",
                            "--routes",
                            routes.toString(),
                            "--port",
                            Integer.toString(port),
                            "--host",
                            "127.0.0.1",
                            "--issuer",
                            service.issuer(),
                            "--revocations-poll",
                            "0",
                            "--db",
                            TestDatabases.url(service.dataDir()))));
      }
      try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
        for (String base : bases) {
          assertThat(await(http, base + "/_idx/health").statusCode()).isEqualTo(200);
        }
        String token = service.accessToken("pqd");
        String bucket = "2/day RETAILER01 /bfi/v1/**";

        // One call through each: the second gateway decides its first on what it knows, then
        // hands it to the store and reads back the fleet's count.
        assertThat(limitStatus(http, bases.get(0), token)).isNotEqualTo(429);
        awaitCalls(store, bucket, 1);
        assertThat(limitStatus(http, bases.get(1), token)).isNotEqualTo(429);
        awaitCalls(store, bucket, 2);

        // Two of 2/day taken in the fleet: alone, the second gateway would allow one more.
        assertThat(limitStatus(http, bases.get(1), token)).isEqualTo(429);
      } finally {
        for (Thread gateway : gateways) {
          gateway.interrupt();
          gateway.join(10_000);
        }
      }
    }
  }

  @Test
  void the_embedded_store_cannot_be_shared_by_gateways() throws Exception {
    Path routes = dir.resolve("routes.yaml");
    Files.writeString(
        routes, "routes:\n  - {path: /bfi/v1/**, upstream: 'http://127.0.0.1:9', entity: null}\n");
    StringWriter err = new StringWriter();

    int exit =
        Main.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "gateway",
            "--routes",
            routes.toString(),
            "--port",
            "0",
            "--issuer",
            "http://127.0.0.1:8080",
            "--db",
            "jdbc:sqlite:" + dir.resolve(Database.SQLITE_FILE));

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("--db: the gateways share their rate limits through a PostgreSQL store");
  }

  @Test
  void a_bad_routes_file_is_refused_with_every_problem_named() throws Exception {
    Path routes = dir.resolve("routes.yaml");
    Files.writeString(
        routes,
        """
        routes:
          - {path: /pqd/v1/**, upstream: 'http://127.0.0.1:9001', rateLimits: [lots]}
        """);
    StringWriter err = new StringWriter();

    int exit =
        Main.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "gateway",
            "--routes",
            routes.toString(),
            "--port",
            "0",
            "--issuer",
            "http://127.0.0.1:8080");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("the routes file " + routes + " cannot be used")
        .contains("routes[0].entity: required")
        .contains("routes[0].rateLimits[0]: 'lots' is not N/second");
  }

  @Test
  void the_issuer_is_required() {
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "gateway",
            "--routes",
            "routes.yaml",
            "--port",
            "8081");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--issuer");
  }

  @Test
  void a_malformed_duration_is_a_usage_error() {
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "gateway",
            "--routes",
            "routes.yaml",
            "--port",
            "8081",
            "--issuer",
            "http://127.0.0.1:8080",
            "--revocations-poll",
            "soon");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration");
  }

  private static int limitStatus(HttpClient http, String base, String token) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(base + "/bfi/v1/business-functions"))
                .header("Authorization", "Bearer " + token)
                .header("x-initiatingParticipantId", "RETAILER01")
                .header("x-market", "NEM")
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Waits until the store's bucket holds {@code calls} calls of a 2/day limit (12 h each). */
  private static void awaitCalls(Database store, String bucket, int calls) throws Exception {
    long atLeastUs = (calls * 12 - 1) * 3_600_000_000L;
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try (Connection c = store.dataSource().getConnection();
          PreparedStatement s =
              c.prepareStatement("SELECT full_at_us FROM gateway_usage WHERE bucket = ?")) {
        s.setString(1, bucket);
        try (ResultSet r = s.executeQuery()) {
          long nowUs = Instant.now().toEpochMilli() * 1_000;
          if (r.next() && r.getLong(1) - nowUs >= atLeastUs) {
            return;
          }
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("the store never counted " + calls + " calls in " + bucket);
      }
      Thread.sleep(50);
    }
  }

  private static HttpResponse<String> await(HttpClient http, String url) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try {
        return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException notYet) {
        if (Instant.now().isAfter(deadline)) {
          throw notYet;
        }
        Thread.sleep(100);
      }
    }
  }
}
