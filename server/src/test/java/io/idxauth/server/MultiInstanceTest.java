package io.idxauth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.idxauth.store.testing.TestDatabases;
import io.idxauth.store.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances on one PostgreSQL, as behind a load balancer: they agree on keys, see each
 * other's changes, rotate one key between them, and ride out an outage of the database. The
 * database is a server of this test's own, so that it can stop and start it; the class runs in both
 * test runs.
 */
class MultiInstanceTest {

  private static final String ISSUER = "https://auth.idx.example";

  @TempDir Path dir;

  private TestPostgres postgres;
  private final List<TestService> instances = new ArrayList<>();

  @AfterEach
  void stop() {
    instances.forEach(TestService::close);
    if (postgres != null) {
      postgres.close();
    }
  }

  /** Three instances on a fresh database, with {@code settings} besides the shared issuer. */
  private List<TestService> threeInstances(Map<String, String> settings) {
    postgres = TestPostgres.start();
    TestDatabases.use(dir, postgres.createDatabase());
    Map<String, String> all = new HashMap<>(settings);
    all.put("issuer", ISSUER);
    TestService first = TestService.start(dir);
    first.restart(all);
    instances.add(first);
    instances.add(TestService.another(first, all));
    instances.add(TestService.another(first, all));
    return instances;
  }

  @Test
  void instances_share_keys_see_each_others_changes_and_rotate_one_key() throws Exception {
    // The poll is set beyond the test, so what reaches the other instances comes by notification.
    List<TestService> i =
        threeInstances(
            Map.of(
                "store-poll-interval", "10m",
                "key-rotation-interval", "0",
                "key-propagation", "2s"));
    TestService a = i.get(0);
    TestService b = i.get(1);
    TestService c = i.get(2);

    // One key for all: a token from one verifies with the JWKS of every other.
    String token = accessToken(a.token(TestService.CLIENT, TestService.SECRET, "pqd"));
    for (TestService other : List.of(b, c)) {
      IndependentVerifier.Verified verified =
          IndependentVerifier.verify(token, other.base() + "/oauth2/jwks");
      assertThat(verified.claims().path("iss").asText()).isEqualTo(ISSUER);
    }
    assertThat(b.get("/oauth2/jwks").body()).isEqualTo(a.get("/oauth2/jwks").body());
    assertThat(c.get("/oauth2/jwks").body()).isEqualTo(a.get("/oauth2/jwks").body());
    // An admin token from one instance is good at another.
    String operator = a.operatorToken();
    assertThat(b.admin("GET", "/keys", operator, null).statusCode()).isEqualTo(200);

    // Disabled through one, refused by the others (whose caches held the account).
    for (TestService other : List.of(b, c)) {
      assertThat(other.token(TestService.CLIENT, TestService.SECRET, "pqd").statusCode())
          .isEqualTo(200);
    }
    Instant disabledAt = Instant.now();
    HttpResponse<String> disabled =
        a.admin("PATCH", "/accounts/" + TestService.CLIENT, operator, "{\"enabled\":false}");
    assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
    for (TestService other : List.of(b, c)) {
      HttpResponse<String> refused =
          await(
              () -> other.token(TestService.CLIENT, TestService.SECRET, "pqd"),
              r -> r.statusCode() == 401);
      assertThat(TestService.json(refused).path("error").asText()).isEqualTo("invalid_client");
    }
    System.out.printf(
        "disable reached both other instances in %d ms%n",
        Duration.between(disabledAt, Instant.now()).toMillis());

    // A key rotated through one is published by all at once, and signs on all once active.
    String oldKid = header(token).path("kid").asText();
    HttpResponse<String> rotated = a.admin("POST", "/keys/rotate", operator, null);
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
    String newKid = TestService.json(rotated).path("kid").asText();
    for (TestService other : List.of(b, c)) {
      await(() -> other.get("/oauth2/jwks"), r -> r.body().contains(newKid));
    }
    for (TestService any : i) {
      String signed =
          await(
                  () -> any.token("dnsp01-app", "dnsp01-secret", "flowctl"),
                  r -> r.statusCode() == 200 && kid(r).equals(newKid))
              .body();
      assertThat(signed).isNotNull();
    }
    assertThat(newKid).isNotEqualTo(oldKid);

    // Rotations asked of all three at the same moment make one key.
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (TestService any : i) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return any.admin("POST", "/keys/rotate", operator, null);
                }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<HttpResponse<String>> answer : answers) {
        statuses.add(answer.get().statusCode());
      }
      assertThat(statuses).containsExactlyInAnyOrder(201, 409, 409);
    } finally {
      pool.shutdownNow();
    }
    for (TestService any : i) {
      JsonNode keys =
          TestService.json(
              await(
                  () -> any.admin("GET", "/keys", operator, null),
                  r -> TestService.json(r).path("items").size() == 3));
      assertThat(keys.path("items").findValuesAsText("state")).containsOnlyOnce("pending");
    }
  }

  @Test
  void instances_started_together_on_an_empty_database_make_one_schema_and_one_key()
      throws Exception {
    postgres = TestPostgres.start();
    TestDatabases.use(dir, postgres.createDatabase());
    TestService template = TestService.unstarted(dir);
    Map<String, String> settings = Map.of("issuer", ISSUER);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<TestService>> started = new ArrayList<>();
      for (int n = 0; n < 3; n++) {
        started.add(
            pool.submit(
                () -> {
                  go.await();
                  return TestService.another(template, settings);
                }));
      }
      go.countDown();
      for (Future<TestService> s : started) {
        instances.add(s.get());
      }
    } finally {
      pool.shutdownNow();
    }

    String jwks = instances.get(0).get("/oauth2/jwks").body();
    assertThat(TestService.json(instances.get(0).get("/oauth2/jwks")).path("keys").size())
        .isEqualTo(1);
    for (TestService any : instances) {
      // Every instance signs with the one key: its JWKS is the same, reloaded or not.
      await(() -> any.get("/oauth2/jwks"), r -> r.body().equals(jwks));
      assertThat(any.server().signingKeyId()).isEqualTo(instances.get(0).server().signingKeyId());
    }
  }

  @Test
  void instances_issue_from_memory_through_an_outage_then_go_not_ready_and_recover() {
    List<TestService> i = threeInstances(Map.of("store-outage-grace", "8s"));
    String operator = i.get(0).operatorToken();
    for (TestService any : i) {
      assertThat(any.token(TestService.CLIENT, TestService.SECRET, "pqd").statusCode())
          .isEqualTo(200);
    }

    postgres.stop();

    // Within the grace: accounts in memory still get tokens; the instances are still ready.
    for (TestService any : i) {
      assertThat(any.token(TestService.CLIENT, TestService.SECRET, "pqd").statusCode())
          .isEqualTo(200);
      HttpResponse<String> ready =
          await(() -> any.getManagement("/health/ready"), r -> r.body().contains("unreachable"));
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(TestService.json(ready).path("servingFromMemoryUntil").asText()).isNotEmpty();
    }
    // An account that is not in memory cannot be checked: a clear 503, not a refusal.
    HttpResponse<String> unknown = i.get(2).token("dnsp01-app", "dnsp01-secret", "flowctl");
    assertThat(unknown.statusCode()).isEqualTo(503);
    assertThat(TestService.json(unknown).path("error").asText())
        .isEqualTo("temporarily_unavailable");
    // Admin writes fail whole, with a problem that says so.
    HttpResponse<String> write =
        i.get(1).admin("PATCH", "/accounts/dnsp01-app", operator, "{\"enabled\":false}");
    assertThat(write.statusCode()).isEqualTo(503);
    assertThat(write.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(TestService.json(write).path("detail").asText()).contains("nothing was changed");

    // After the grace: not ready, and no tokens from memory any more.
    for (TestService any : i) {
      assertThat(any.getManagement("/metrics").body()).contains("idx_auth_store_reachable 0.0");
      HttpResponse<String> notReady =
          await(() -> any.getManagement("/health/ready"), r -> r.statusCode() == 503);
      assertThat(TestService.json(notReady).path("status").asText()).isEqualTo("DOWN");
      HttpResponse<String> refused = any.token(TestService.CLIENT, TestService.SECRET, "pqd");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(TestService.json(refused).path("error").asText())
          .isEqualTo("temporarily_unavailable");
    }

    postgres.restart();

    // Back by themselves; the write that failed was not applied, and writes work again.
    for (TestService any : i) {
      await(() -> any.getManagement("/health/ready"), r -> r.statusCode() == 200);
      assertThat(any.token(TestService.CLIENT, TestService.SECRET, "pqd").statusCode())
          .isEqualTo(200);
      assertThat(any.token("dnsp01-app", "dnsp01-secret", "flowctl").statusCode()).isEqualTo(200);
    }
    // They agree on the keys again: a token from one is good at another.
    String jwks = i.get(0).get("/oauth2/jwks").body();
    for (TestService any : i) {
      await(() -> any.get("/oauth2/jwks"), r -> r.body().equals(jwks));
    }
    HttpResponse<String> again =
        i.get(1)
            .admin(
                "PATCH", "/accounts/dnsp01-app", i.get(0).operatorToken(), "{\"enabled\":false}");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    for (TestService any : i) {
      await(() -> any.token("dnsp01-app", "dnsp01-secret", "flowctl"), r -> r.statusCode() == 401);
    }
  }

  private static String accessToken(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return TestService.json(response).path("access_token").asText();
  }

  private static String kid(HttpResponse<String> response) {
    return header(TestService.json(response).path("access_token").asText()).path("kid").asText();
  }

  private static JsonNode header(String token) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[0]));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Asks until the answer satisfies {@code done}, for at most 30 seconds. */
  private static <T> T await(Supplier<T> ask, Predicate<T> done) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    T last = ask.get();
    while (!done.test(last)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "not reached within 30 s; last answer: "
                + (last instanceof HttpResponse<?> r ? r.statusCode() + " " + r.body() : last));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      last = ask.get();
    }
    return last;
  }
}
