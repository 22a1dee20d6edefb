package io.idxauth.server;

import static io.idxauth.server.TestService.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account lifecycle policy at the token endpoint: lockout, per-source failure limits, secret
 * expiry and the rotation grace. To the caller every refusal is the same invalid_client; the audit
 * trail keeps the real reason.
 */
class AccountLifecycleTest {

  @TempDir Path dir;

  /** The latest refusal of {@code clientId}, read with the operator's {@code ops} token. */
  private static JsonNode lastRefusal(TestService service, String ops, String clientId) {
    service.server().auditLog().flush(Duration.ofSeconds(5));
    String query = "/audit?kind=token.refused&limit=1&account=" + clientId;
    return json(service.admin("GET", query, ops, null)).path("items").get(0);
  }

  @Test
  void six_failures_lock_the_account_even_against_its_right_secret_until_unlocked() {
    try (TestService service = TestService.start(dir)) {
      service.restart(Map.of("lockout-threshold", "6"));
      String ops = service.operatorToken();
      for (int i = 0; i < 6; i++) {
        assertThat(service.token("dnsp01-app", "guess-" + i, "").statusCode()).isEqualTo(401);
      }

      HttpResponse<String> locked = service.token("dnsp01-app", "dnsp01-secret", "");
      assertThat(locked.statusCode()).isEqualTo(401);
      assertThat(json(locked).path("error").asText()).isEqualTo("invalid_client");
      assertThat(lastRefusal(service, ops, "dnsp01-app").path("detail").path("reason").asText())
          .isEqualTo("locked");
      assertThat(
              json(service.admin("GET", "/accounts/dnsp01-app", ops, null))
                  .path("lockedUntil")
                  .asText())
          .isNotEmpty();

      HttpResponse<String> unlocked =
          service.admin("PATCH", "/accounts/dnsp01-app", ops, "{\"unlock\":true}");
      assertThat(unlocked.statusCode()).isEqualTo(200);
      assertThat(json(unlocked).path("lockedUntil").isNull()).isTrue();
      assertThat(service.token("dnsp01-app", "dnsp01-secret", "").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void a_locked_client_hammering_any_endpoint_is_recorded_once_a_minute() {
    try (TestService service = TestService.start(dir)) {
      service.restart(Map.of("lockout-threshold", "2"));
      String ops = service.operatorToken();
      TokenCalls calls = new TokenCalls(service);
      service.token("dnsp01-app", "guess", "");
      service.token("dnsp01-app", "guess", "");

      for (int i = 0; i < 5; i++) {
        assertThat(service.token("dnsp01-app", "dnsp01-secret", "").statusCode()).isEqualTo(401);
        assertThat(calls.revoke("dnsp01-app", "dnsp01-secret", "x").statusCode()).isEqualTo(401);
      }

      service.server().auditLog().flush(Duration.ofSeconds(5));
      JsonNode events =
          json(service.admin("GET", "/audit?account=dnsp01-app&limit=500", ops, null))
              .path("items");
      long locked = 0;
      for (JsonNode e : events) {
        if (e.path("detail").path("reason").asText().equals("locked")) {
          locked++;
        }
      }
      assertThat(locked).isEqualTo(1);
    }
  }

  @Test
  void lockout_ends_by_itself_after_its_duration() throws Exception {
    try (TestService service = TestService.start(dir)) {
      service.restart(Map.of("lockout-threshold", "2", "lockout-duration", "1s"));
      service.token("dnsp01-app", "guess", "");
      service.token("dnsp01-app", "guess", "");
      assertThat(service.token("dnsp01-app", "dnsp01-secret", "").statusCode()).isEqualTo(401);

      Thread.sleep(1100);

      assertThat(service.token("dnsp01-app", "dnsp01-secret", "").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void a_source_that_fails_too_often_is_refused_for_every_client() {
    try (TestService service = TestService.start(dir)) {
      service.restart(Map.of("source-failure-limit", "5"));
      String ops = service.operatorToken();
      for (int i = 0; i < 5; i++) {
        service.token("made-up-" + i, "guess", "");
      }

      HttpResponse<String> limited = service.token("dnsp01-app", "dnsp01-secret", "");
      assertThat(limited.statusCode()).isEqualTo(401);
      assertThat(json(limited).path("error").asText()).isEqualTo("invalid_client");
      JsonNode refusal = lastRefusal(service, ops, "dnsp01-app");
      assertThat(refusal.path("detail").path("reason").asText()).isEqualTo("source_limited");
      assertThat(refusal.path("source").asText()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void a_secret_stops_working_at_its_maximum_age() throws Exception {
    try (TestService service = TestService.start(dir)) {
      service.restart(Map.of("secret-max-age", "5s"));
      String ops = service.operatorToken();
      HttpResponse<String> created =
          service.admin(
              "POST", "/accounts", ops, "{\"clientId\":\"aging-app\",\"participant\":\"DNSP01\"}");
      String secret = json(created).path("secret").path("secret").asText();
      assertThat(service.token("aging-app", secret, "").statusCode()).isEqualTo(200);

      Thread.sleep(5100);

      assertThat(service.token("aging-app", secret, "").statusCode()).isEqualTo(401);
      assertThat(lastRefusal(service, ops, "aging-app").path("detail").path("reason").asText())
          .isEqualTo("expired_secret");
    }
  }

  @Test
  void a_rotated_out_secret_works_for_the_grace_period_only() throws Exception {
    try (TestService service = TestService.start(dir)) {
      service.restart(Map.of("secret-rotation-grace", "3s"));
      String ops = service.operatorToken();
      HttpResponse<String> created =
          service.admin(
              "POST", "/accounts", ops, "{\"clientId\":\"grace-app\",\"participant\":\"DNSP01\"}");
      String old = json(created).path("secret").path("secret").asText();
      String fresh =
          json(service.admin("POST", "/accounts/grace-app/secrets", ops, null))
              .path("secret")
              .asText();
      assertThat(service.token("grace-app", old, "").statusCode()).isEqualTo(200);

      Thread.sleep(3100);

      assertThat(service.token("grace-app", old, "").statusCode()).isEqualTo(401);
      assertThat(service.token("grace-app", fresh, "").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void every_refusal_reason_is_recorded_while_the_caller_sees_one_answer() {
    try (TestService service = TestService.start(dir)) {
      HttpResponse<String> unknown = service.token("nobody-at-all", "guess", "");
      HttpResponse<String> wrong = service.token("dnsp01-app", "guess", "");
      HttpResponse<String> disabled = service.token("suspended-app", "suspended-secret", "");

      String ops = service.operatorToken();
      for (HttpResponse<String> r : java.util.List.of(unknown, wrong, disabled)) {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(unknown.body());
      }
      assertThat(lastRefusal(service, ops, "suspended-app").path("detail").path("reason").asText())
          .isEqualTo("disabled");
      assertThat(lastRefusal(service, ops, "dnsp01-app").path("detail").path("reason").asText())
          .isEqualTo("wrong_secret");
      JsonNode unknownEvent = null;
      for (JsonNode e :
          json(service.admin("GET", "/audit?kind=token.refused", ops, null)).path("items")) {
        if (e.path("detail").path("reason").asText().equals("unknown_client")) {
          unknownEvent = e;
        }
      }
      assertThat(unknownEvent).isNotNull();
      assertThat(unknownEvent.path("detail").path("reason").asText()).isEqualTo("unknown_client");
      // An unknown client_id may be a pasted secret: the trail keeps only its start.
      assertThat(unknownEvent.path("clientId").isNull()).isTrue();
      assertThat(unknownEvent.path("actor").asText())
          .startsWith("nobody-a...")
          .doesNotContain("nobody-at-all");
    }
  }
}
