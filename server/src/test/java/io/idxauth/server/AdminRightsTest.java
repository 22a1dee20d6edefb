package io.idxauth.server;

import static io.idxauth.server.TestService.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may administer: bearer tokens of this service scoped to idx-admin (RFC 6750), the two roles,
 * and the boundaries of a participant admin. Every refusal is a problem naming the missing right.
 */
class AdminRightsTest {

  private static TestService service;
  private static String ops;
  private static String r1;

  @BeforeAll
  static void start() {
    service = TestService.start(TestService.tempDir());
    ops = service.operatorToken();
    r1 = service.adminToken(TestService.R1_ADMIN, TestService.R1_ADMIN_SECRET);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static HttpResponse<String> asR1(String method, String path, String body) {
    return service.admin(method, path, r1, body);
  }

  private static void assertForbidden(HttpResponse<String> response, String right) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(json(response).path("missingRight").asText()).isEqualTo(right);
    assertThat(json(response).path("detail").asText()).isNotBlank();
  }

  // --- authentication ----------------------------------------------------------------------------

  @Test
  void no_token_is_401_with_a_bearer_challenge() {
    HttpResponse<String> response = service.admin("GET", "/accounts", null, null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"idx-auth-admin\"");
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  @Test
  void malformed_or_foreign_token_is_401_invalid_token() {
    for (String token :
        new String[] {
          "not-a-jwt",
          // A JWT signed by nobody we know.
          "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IngifQ.eyJzdWIiOiJvcHMtYWRtaW4ifQ.c2ln",
          // alg none.
          "eyJhbGciOiJub25lIn0.eyJzdWIiOiJvcHMtYWRtaW4iLCJzY29wZSI6ImlkeC1hZG1pbiJ9."
        }) {
      HttpResponse<String> response = service.admin("GET", "/accounts", token, null);
      assertThat(response.statusCode()).as(token).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("error=\"invalid_token\"");
    }
    HttpResponse<String> basic =
        service.send(
            HttpRequest.newBuilder(URI.create(service.base() + "/admin/v1/accounts"))
                .header("Authorization", TestService.basic("ops-admin", "ops-admin-secret"))
                .build());
    assertThat(basic.statusCode()).isEqualTo(401);
  }

  @Test
  void token_without_the_idx_admin_scope_is_403_insufficient_scope() {
    String ordinary = service.accessToken("pqd");

    HttpResponse<String> response = service.admin("GET", "/accounts", ordinary, null);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"insufficient_scope\"")
        .contains("scope=\"idx-admin\"");
    assertThat(json(response).path("missingRight").asText()).isEqualTo("scope:idx-admin");
  }

  @Test
  void an_account_without_a_role_does_not_get_the_idx_admin_scope() {
    HttpResponse<String> response =
        service.token(TestService.CLIENT, TestService.SECRET, "idx-admin pqd");

    assertThat(json(response).path("scope").asText()).isEqualTo("pqd");
  }

  @Test
  void token_of_an_admin_disabled_since_is_refused_at_once() {
    HttpResponse<String> created =
        service.admin(
            "POST",
            "/accounts",
            ops,
            "{\"clientId\":\"temp-ops\",\"participant\":\"IDXOPS\",\"roles\":[\"operator-admin\"]}");
    String token =
        service.adminToken("temp-ops", json(created).path("secret").path("secret").asText());
    assertThat(service.admin("GET", "/keys", token, null).statusCode()).isEqualTo(200);

    service.admin("PATCH", "/accounts/temp-ops", ops, "{\"enabled\":false}");

    assertForbidden(service.admin("GET", "/keys", token, null), "enabled-account");
  }

  @Test
  void an_admin_token_that_also_opens_idx_apis_is_refused() {
    HttpResponse<String> issued = service.token("ops-admin", "ops-admin-secret", "idx-admin");
    assertThat(json(issued).path("scope").asText()).isEqualTo("idx-admin");
    service.admin(
        "PUT",
        "/accounts/ops-admin/entitlements/pqd",
        ops,
        "{\"participants\":[\"RETAILER01\"],\"operations\":[\"read\"]}");
    String mixed =
        json(service.token("ops-admin", "ops-admin-secret", "idx-admin pqd"))
            .path("access_token")
            .asText();

    HttpResponse<String> refused = service.admin("GET", "/keys", mixed, null);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("insufficient_scope");
    service.admin("DELETE", "/accounts/ops-admin/entitlements/pqd", ops, null);
  }

  @Test
  void a_token_of_an_account_deleted_and_made_again_elsewhere_is_refused() {
    HttpResponse<String> created =
        service.admin(
            "POST",
            "/accounts",
            ops,
            "{\"clientId\":\"ghost\",\"participant\":\"RETAILER01\",\"roles\":[\"participant-admin\"]}");
    String old = service.adminToken("ghost", json(created).path("secret").path("secret").asText());
    service.admin("DELETE", "/accounts/ghost", ops, null);
    service.admin(
        "POST",
        "/accounts",
        ops,
        "{\"clientId\":\"ghost\",\"participant\":\"DNSP01\",\"roles\":[\"participant-admin\"]}");

    HttpResponse<String> refused = service.admin("GET", "/accounts?participant=DNSP01", old, null);

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("invalid_token");
  }

  @Test
  void a_revoked_admin_token_is_refused() {
    String token = service.operatorToken();
    assertThat(service.admin("GET", "/keys", token, null).statusCode()).isEqualTo(200);

    HttpResponse<String> revoked =
        new TokenCalls(service).revoke(TestService.OPERATOR, TestService.OPERATOR_SECRET, token);
    assertThat(revoked.statusCode()).isEqualTo(200);

    HttpResponse<String> refused = service.admin("GET", "/keys", token, null);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(json(refused).path("detail").asText()).contains("revoked");
  }

  @Test
  void other_authorization_schemes_get_the_challenge_without_an_error_code() {
    HttpResponse<String> basic =
        service.send(
            HttpRequest.newBuilder(URI.create(service.base() + "/admin/v1/keys"))
                .header("Authorization", TestService.basic("ops-admin", "ops-admin-secret"))
                .build());

    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(basic.headers().firstValue("WWW-Authenticate").orElseThrow())
        .isEqualTo("Bearer realm=\"idx-auth-admin\"");
  }

  @Test
  void participant_admin_does_not_see_operator_admin_accounts_of_its_participant() {
    service.admin(
        "POST",
        "/accounts",
        ops,
        "{\"clientId\":\"r1-hidden-ops\",\"participant\":\"RETAILER01\",\"roles\":[\"operator-admin\"]}");

    assertThat(asR1("GET", "/accounts?limit=500", null).body()).doesNotContain("r1-hidden-ops");
    assertThat(asR1("GET", "/audit?account=r1-hidden-ops", null).body())
        .doesNotContain("r1-hidden-ops");
    assertThat(service.admin("GET", "/accounts?limit=500", ops, null).body())
        .contains("r1-hidden-ops");
  }

  @Test
  void admin_openapi_document_is_served_without_a_token() {
    HttpResponse<String> response = service.get("/admin/v1/openapi.yaml");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/yaml");
    assertThat(response.body()).contains("openapi: 3").contains("/admin/v1/accounts/{clientId}");
  }

  // --- participant admin -------------------------------------------------------------------------

  @Test
  void participant_admin_lists_only_its_own_participants_accounts() {
    HttpResponse<String> own = asR1("GET", "/accounts", null);

    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(json(own).path("items"))
        .allSatisfy(a -> assertThat(a.path("participant").asText()).isEqualTo("RETAILER01"));
    assertThat(own.body()).contains("retailer01-app").doesNotContain("dnsp01-app");
    assertForbidden(asR1("GET", "/accounts?participant=DNSP01", null), "participant-admin:DNSP01");
  }

  @Test
  void participant_admin_cannot_touch_another_participants_account() {
    assertForbidden(asR1("GET", "/accounts/dnsp01-app", null), "participant-admin:DNSP01");
    assertForbidden(
        asR1("PATCH", "/accounts/dnsp01-app", "{\"enabled\":false}"), "participant-admin:DNSP01");
    assertForbidden(asR1("DELETE", "/accounts/dnsp01-app", null), "participant-admin:DNSP01");
    assertForbidden(asR1("POST", "/accounts/dnsp01-app/secrets", null), "participant-admin:DNSP01");
    assertForbidden(asR1("GET", "/accounts/dnsp01-app/secrets", null), "participant-admin:DNSP01");
    assertForbidden(
        asR1(
            "PUT",
            "/accounts/dnsp01-app/entitlements/pqd",
            "{\"participants\":[\"RETAILER01\"],\"operations\":[\"read\"]}"),
        "participant-admin:DNSP01");
    assertForbidden(
        asR1("POST", "/accounts", "{\"clientId\":\"sneaky\",\"participant\":\"DNSP01\"}"),
        "participant-admin:DNSP01");
    assertThat(service.token("dnsp01-app", "dnsp01-secret", "").statusCode()).isEqualTo(200);
  }

  @Test
  void participant_admin_manages_its_own_accounts() {
    HttpResponse<String> created = asR1("POST", "/accounts", "{\"clientId\":\"r1-batch\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created).path("account").path("participant").asText()).isEqualTo("RETAILER01");
    String secret = json(created).path("secret").path("secret").asText();

    HttpResponse<String> granted =
        asR1(
            "PUT",
            "/accounts/r1-batch/entitlements/pqd",
            "{\"participants\":[\"RETAILER02\"],\"operations\":[\"read\"]}");
    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
    assertThat(json(service.token("r1-batch", secret, "pqd")).path("scope").asText())
        .isEqualTo("pqd");

    assertThat(asR1("POST", "/accounts/r1-batch/secrets", null).statusCode()).isEqualTo(201);
    assertThat(asR1("PATCH", "/accounts/r1-batch", "{\"enabled\":false}").statusCode())
        .isEqualTo(200);
    assertThat(asR1("DELETE", "/accounts/r1-batch", null).statusCode()).isEqualTo(204);
  }

  @Test
  void participant_admin_cannot_touch_an_operator_admin_account_of_its_own_participant() {
    service.admin(
        "POST",
        "/accounts",
        ops,
        "{\"clientId\":\"r1-ops\",\"participant\":\"RETAILER01\",\"roles\":[\"operator-admin\"]}");

    assertForbidden(asR1("POST", "/accounts/r1-ops/secrets", null), "operator-admin");
    assertForbidden(asR1("PATCH", "/accounts/r1-ops", "{\"enabled\":false}"), "operator-admin");
    assertForbidden(asR1("DELETE", "/accounts/r1-ops", null), "operator-admin");
    assertThat(service.admin("GET", "/accounts/r1-ops", ops, null).statusCode()).isEqualTo(200);
  }

  @Test
  void participant_admin_grants_only_what_its_participant_holds() {
    asR1("POST", "/accounts", "{\"clientId\":\"r1-limited\"}");

    // RETAILER01 holds pqd for RETAILER01 and RETAILER02 (read, create) and mtrd for RETAILER01
    // (read).
    HttpResponse<String> otherParticipant =
        asR1(
            "PUT",
            "/accounts/r1-limited/entitlements/pqd",
            "{\"participants\":[\"DNSP01\"],\"operations\":[\"read\"]}");
    assertForbidden(otherParticipant, "holding:RETAILER01:pqd");
    assertThat(json(otherParticipant).path("detail").asText()).contains("DNSP01");

    HttpResponse<String> moreOperations =
        asR1(
            "PUT",
            "/accounts/r1-limited/entitlements/mtrd",
            "{\"participants\":[\"RETAILER01\"],\"operations\":[\"read\",\"create\"]}");
    assertForbidden(moreOperations, "holding:RETAILER01:mtrd");
    assertThat(json(moreOperations).path("detail").asText()).contains("create");

    HttpResponse<String> unheld =
        asR1(
            "PUT",
            "/accounts/r1-limited/entitlements/sord",
            "{\"participants\":[\"RETAILER01\"],\"operations\":[\"read\"]}");
    assertForbidden(unheld, "holding:RETAILER01:sord");

    assertThat(service.admin("GET", "/accounts/r1-limited/entitlements", ops, null).body())
        .isEqualTo("{\"items\":[]}");
  }

  @Test
  void participant_admin_cannot_give_roles_or_touch_keys_participants_and_entities() {
    assertForbidden(
        asR1("POST", "/accounts", "{\"clientId\":\"r1-boss\",\"roles\":[\"operator-admin\"]}"),
        "operator-admin");
    assertForbidden(
        asR1("PATCH", "/accounts/retailer01-app", "{\"roles\":[\"participant-admin\"]}"),
        "operator-admin");
    assertForbidden(asR1("GET", "/keys", null), "operator-admin");
    assertForbidden(asR1("POST", "/keys/rotate", null), "operator-admin");
    assertForbidden(
        asR1("POST", "/participants", "{\"id\":\"NEW01\",\"name\":\"New\"}"), "operator-admin");
    assertForbidden(
        asR1("PATCH", "/participants/RETAILER01", "{\"entitlements\":[]}"), "operator-admin");
    assertForbidden(
        asR1(
            "POST",
            "/entities",
            "{\"name\":\"x\",\"kind\":\"idx-service\",\"operations\":[\"read\"]}"),
        "operator-admin");
    assertForbidden(asR1("DELETE", "/entities/pqd", null), "operator-admin");
    assertForbidden(asR1("GET", "/participants/DNSP01", null), "participant-admin:DNSP01");
  }

  @Test
  void participant_admin_reads_its_participant_and_the_entities() {
    HttpResponse<String> participants = asR1("GET", "/participants", null);
    assertThat(json(participants).path("items")).hasSize(1);
    assertThat(json(participants).path("items").get(0).path("id").asText()).isEqualTo("RETAILER01");
    assertThat(asR1("GET", "/participants/RETAILER01", null).statusCode()).isEqualTo(200);
    assertThat(asR1("GET", "/entities", null).body()).contains("\"name\":\"pqd\"");
  }

  @Test
  void participant_admin_reads_only_its_own_participants_audit_trail() {
    service.token("dnsp01-app", "dnsp01-secret", "");
    service.token(TestService.CLIENT, TestService.SECRET, "");
    service.server().auditLog().flush(java.time.Duration.ofSeconds(5));

    HttpResponse<String> own = asR1("GET", "/audit?kind=token.", null);
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(json(own).path("items"))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.path("participantId").asText()).isEqualTo("RETAILER01"));
    assertForbidden(asR1("GET", "/audit?participant=DNSP01", null), "participant-admin:DNSP01");
  }
}
