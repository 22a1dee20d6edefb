package io.idxauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.idxauth.server.TestService;
import io.idxauth.store.Database;
import io.idxauth.store.JdbcRateUsage;
import io.idxauth.store.JdbcStore;
import io.idxauth.store.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways behind one imaginary load balancer, sharing their rate limits through the token
 * service's own store: a participant's limit holds across both, on real sockets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayFleetTest {

  static final ObjectMapper JSON = new ObjectMapper();

  TestService service;
  Database store;
  EchoUpstream upstream;
  Gateway a;
  Gateway b;
  String token; // retailer01-app, scope "pqd"
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    service = TestService.start(dir.resolve("service"));
    store = TestDatabases.open(service.dataDir());
    upstream = EchoUpstream.start();
    RouteTable routes =
        RouteTable.parse(
            ("""
            routes:
              - {path: /pqd/v1/**, upstream: "%1$s", entity: pqd, rateLimits: [10/hour]}
            """)
                .formatted("http://127.0.0.1:" + upstream.port())
                .getBytes(StandardCharsets.UTF_8));
    JdbcRateUsage usage = new JdbcRateUsage(new JdbcStore(store));
    GatewayConfig config =
        new GatewayConfig(
                routes,
                "127.0.0.1",
                0,
                URI.create(service.issuer()),
                URI.create(service.base() + "/oauth2/jwks"),
                null,
                Duration.ZERO,
                Duration.ofSeconds(2))
            .withSharedLimits(usage::exchange);
    a = Gateway.start(config);
    b = Gateway.start(config);
    token = service.accessToken("pqd");
  }

  @AfterAll
  void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {a, b, upstream, store, service}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
  }

  @Test
  void calls_alternating_between_two_gateways_share_one_limit() throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      statuses.add(call(i % 2 == 0 ? a : b, "RETAILER01").statusCode());
      // Deterministic exchanges, besides those of the background task: each hands over its
      // counts, then each reads the other's.
      exchange();
    }

    // Ten in all, five through each: alone, each gateway would have let ten through.
    assertThat(statuses.subList(0, 10)).containsOnly(200);
    assertThat(statuses.subList(10, 14)).containsOnly(429);

    for (Gateway gateway : List.of(a, b)) {
      HttpResponse<String> limited = call(gateway, "RETAILER01");
      assertThat(limited.statusCode()).isEqualTo(429);
      // 10/hour: the next call 6 minutes after the tenth.
      long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
      assertThat(retryAfter).isBetween(300L, 360L);
      assertThat(JSON.readTree(limited.body()).path("detail").asText()).contains("10/hour");
    }

    // Counted per initiating participant, in the fleet as in one gateway.
    assertThat(call(b, "RETAILER02").statusCode()).isEqualTo(200);
  }

  void exchange() {
    a.rateLimiter().sync();
    b.rateLimiter().sync();
    a.rateLimiter().sync();
    b.rateLimiter().sync();
  }

  HttpResponse<String> call(Gateway gateway, String participant) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/pqd/v1/x"))
            .header("Authorization", "Bearer " + token)
            .header("x-initiatingParticipantId", participant)
            .header("x-market", "NEM")
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
