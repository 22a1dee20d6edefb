package io.idxauth.server;

import static io.idxauth.server.TestService.form;
import static io.idxauth.server.TestService.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the service on one store share the lockout counters and the per-source limits:
 * failures counted through either lock a client, or limit a source, on both within about a second,
 * and an unlock through either lifts the lock on both.
 */
class SharedLockoutsTest {

  private static final String PROBE_SECRET = "probe-secret";

  /**
   * The settings of both instances: {@code limits}, and one issuer, as behind a load balancer (so
   * that an admin token from either is good on both).
   */
  private static Map<String, String> settings(String... limits) {
    Map<String, String> settings = new HashMap<>();
    settings.put("issuer", "https://auth.idx.example");
    for (int i = 0; i < limits.length; i += 2) {
      settings.put(limits[i], limits[i + 1]);
    }
    return settings;
  }

  @TempDir Path dir;

  /** A token request to {@code instance}, sent by {@code service}'s HTTP client. */
  private static HttpResponse<String> token(
      TestService service, IdxAuthServer instance, String clientId, String secret) {
    return service.send(
        HttpRequest.newBuilder(URI.create(base(instance) + "/oauth2/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    form(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        clientId,
                        "client_secret",
                        secret)))
            .build());
  }

  /** Whether {@code instance}'s admin API shows {@code clientId} locked. */
  private static boolean showsLocked(
      TestService service, IdxAuthServer instance, String ops, String clientId) {
    HttpResponse<String> account =
        service.send(
            HttpRequest.newBuilder(URI.create(base(instance) + "/admin/v1/accounts/" + clientId))
                .header("Authorization", "Bearer " + ops)
                .GET()
                .build());
    assertThat(account.statusCode()).isEqualTo(200);
    return json(account).hasNonNull("lockedUntil");
  }

  /** How many authentications {@code instance} refused for {@code reason}, from its metrics. */
  private static double refusals(TestService service, IdxAuthServer instance, String reason) {
    HttpResponse<String> metrics =
        service.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + instance.managementPort() + "/metrics"))
                .GET()
                .build());
    Matcher m =
        Pattern.compile(
                "(?m)^idx_auth_client_refusals_total\\{reason=\"" + reason + "\"\\} ([0-9.eE+-]+)$")
            .matcher(metrics.body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static String base(IdxAuthServer instance) {
    return "http://127.0.0.1:" + instance.port();
  }

  /** Waits, for at most ten seconds, until {@code condition} holds; false if it never did. */
  private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(200);
    }
    return true;
  }

  @Test
  void failures_spread_over_two_instances_lock_the_client_on_both() throws Exception {
    Map<String, String> limits = settings("lockout-threshold", "6");
    try (TestService service = TestService.start(dir)) {
      service.restart(limits);
      try (IdxAuthServer other = IdxAuthServer.start(service.config(limits))) {
        List<IdxAuthServer> both = List.of(service.server(), other);
        String ops = service.operatorToken();

        // Three failures through each: neither instance alone has seen six.
        for (int i = 0; i < 6; i++) {
          assertThat(token(service, both.get(i % 2), "dnsp01-app", "guess-" + i).statusCode())
              .isEqualTo(401);
        }

        for (IdxAuthServer instance : both) {
          assertThat(eventually(() -> showsLocked(service, instance, ops, "dnsp01-app")))
              .as("locked on the instance on port %d", instance.port())
              .isTrue();
          HttpResponse<String> refused = token(service, instance, "dnsp01-app", "dnsp01-secret");
          assertThat(refused.statusCode()).isEqualTo(401);
          assertThat(json(refused).path("error").asText()).isEqualTo("invalid_client");
        }
      }
    }
  }

  @Test
  void an_unlock_through_one_instance_lets_the_right_secret_through_on_the_other()
      throws Exception {
    Map<String, String> limits = settings("lockout-threshold", "3");
    try (TestService service = TestService.start(dir)) {
      service.restart(limits);
      try (IdxAuthServer other = IdxAuthServer.start(service.config(limits))) {
        String ops = service.operatorToken();
        for (int i = 0; i < 3; i++) {
          token(service, other, "dnsp01-app", "guess-" + i);
        }
        assertThat(eventually(() -> showsLocked(service, service.server(), ops, "dnsp01-app")))
            .isTrue();
        assertThat(token(service, other, "dnsp01-app", "dnsp01-secret").statusCode())
            .isEqualTo(401);

        HttpResponse<String> unlocked =
            service.admin("PATCH", "/accounts/dnsp01-app", ops, "{\"unlock\":true}");
        assertThat(unlocked.statusCode()).isEqualTo(200);

        assertThat(
                eventually(
                    () -> token(service, other, "dnsp01-app", "dnsp01-secret").statusCode() == 200))
            .isTrue();
      }
    }
  }

  @Test
  void a_source_that_fails_through_two_instances_is_limited_on_both() throws Exception {
    Map<String, String> limits = settings("source-failure-limit", "6");
    try (TestService service = TestService.start(dir)) {
      // Each probe is an account whose secret no instance has seen: it is refused only when its
      // source is limited (a secret already proven on an instance would still be let through).
      StringBuilder probes = new StringBuilder("accounts:\n");
      IntStream.range(0, 100)
          .forEach(
              i ->
                  probes
                      .append("  - {clientId: probe-")
                      .append(i)
                      .append(", participant: DNSP01, secret: ")
                      .append(PROBE_SECRET)
                      .append("}\n"));
      service.provision(probes.toString());
      service.restart(limits);
      try (IdxAuthServer other = IdxAuthServer.start(service.config(limits))) {
        List<IdxAuthServer> both = List.of(service.server(), other);
        Iterator<String> probe = IntStream.range(0, 100).mapToObj(i -> "probe-" + i).iterator();

        for (int i = 0; i < 6; i++) {
          token(service, both.get(i % 2), "made-up-" + i, "guess");
        }

        for (IdxAuthServer instance : both) {
          assertThat(
                  eventually(
                      () ->
                          token(service, instance, probe.next(), PROBE_SECRET).statusCode() == 401))
              .as("limited on the instance on port %d", instance.port())
              .isTrue();
          HttpResponse<String> refused = token(service, instance, "dnsp01-app", "dnsp01-secret");
          assertThat(refused.statusCode()).isEqualTo(401);
          assertThat(json(refused).path("error").asText()).isEqualTo("invalid_client");
          assertThat(refusals(service, instance, "source_limited")).isGreaterThanOrEqualTo(2);
        }
      }
    }
  }

  @Test
  void a_lock_outlives_a_restart() {
    Map<String, String> limits = settings("lockout-threshold", "2");
    try (TestService service = TestService.start(dir)) {
      service.restart(limits);
      service.token("dnsp01-app", "guess", "");
      service.token("dnsp01-app", "guess", "");

      service.restart(limits);

      assertThat(service.token("dnsp01-app", "dnsp01-secret", "").statusCode()).isEqualTo(401);
    }
  }
}
