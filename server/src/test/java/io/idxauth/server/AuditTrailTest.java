package io.idxauth.server;

import static io.idxauth.server.TestService.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit trail: every issuance, refusal and admin change, stored and queryable by account,
 * participant, kind and time, in pages; never a secret or a whole token.
 */
class AuditTrailTest {

  private static TestService service;
  private static String ops;

  @BeforeAll
  static void start() {
    service = TestService.start(TestService.tempDir());
    ops = service.operatorToken();
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static JsonNode audit(String query) {
    service.server().auditLog().flush(Duration.ofSeconds(5));
    HttpResponse<String> response = service.admin("GET", "/audit?" + query, ops, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  @Test
  void issuance_records_client_granted_and_dropped_scope_jti_and_source() {
    HttpResponse<String> issued = service.token("dnsp01-app", "dnsp01-secret", "flowctl pqd");
    String token = json(issued).path("access_token").asText();

    JsonNode event = audit("account=dnsp01-app&kind=token.issued&limit=1").path("items").get(0);

    assertThat(event.path("kind").asText()).isEqualTo("token.issued");
    assertThat(event.path("participantId").asText()).isEqualTo("DNSP01");
    assertThat(event.path("source").asText()).isEqualTo("127.0.0.1");
    assertThat(event.path("detail").path("scope").asText()).isEqualTo("flowctl");
    assertThat(event.path("detail").path("dropped").toString()).isEqualTo("[\"pqd\"]");
    String payload =
        new String(
            java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
            java.nio.charset.StandardCharsets.UTF_8);
    assertThat(payload).contains("\"jti\":\"" + event.path("detail").path("jti").asText() + "\"");
    assertThat(event.toString()).doesNotContain(token).doesNotContain("dnsp01-secret");
  }

  @Test
  void admin_change_records_who_and_what_before_and_after() {
    service.admin(
        "POST", "/accounts", ops, "{\"clientId\":\"audited-app\",\"participant\":\"DNSP01\"}");
    service.admin("PATCH", "/accounts/audited-app", ops, "{\"enabled\":false}");

    JsonNode event = audit("account=audited-app&kind=account.updated").path("items").get(0);

    assertThat(event.path("actor").asText()).isEqualTo("ops-admin");
    assertThat(event.path("detail").path("before").path("enabled").asBoolean()).isTrue();
    assertThat(event.path("detail").path("after").path("enabled").asBoolean()).isFalse();
    JsonNode created = audit("account=audited-app&kind=account.created").path("items").get(0);
    assertThat(created.path("detail").path("after").path("secretId").asText()).isNotEmpty();
    assertThat(created.toString()).doesNotContain("argon2");
  }

  @Test
  void audit_is_queried_by_kind_prefix_participant_time_and_in_pages() {
    Instant start = Instant.now().minusMillis(5);
    for (int i = 0; i < 3; i++) {
      service.token("dnsp01-app", "dnsp01-secret", "");
    }
    service.token("dnsp01-app", "wrong", "");

    JsonNode tokens = audit("participant=DNSP01&kind=token.&from=" + start + "&limit=2");
    assertThat(tokens.path("items")).hasSize(2);
    assertThat(tokens.path("items").get(0).path("kind").asText()).isEqualTo("token.refused");
    String cursor = tokens.path("nextCursor").asText();
    JsonNode rest = audit("participant=DNSP01&kind=token.&from=" + start + "&cursor=" + cursor);
    assertThat(rest.path("items")).hasSize(2);
    assertThat(rest.path("nextCursor").isNull()).isTrue();
    assertThat(rest.path("items").get(0).path("id").asLong())
        .isLessThan(tokens.path("items").get(1).path("id").asLong());

    assertThat(audit("participant=DNSP01&to=" + start.minusSeconds(3600)).path("items")).isEmpty();
    assertThat(service.admin("GET", "/audit?from=yesterday", ops, null).statusCode())
        .isEqualTo(400);
  }
}
