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

/** {@code /admin/v1/accounts}, its secrets and entitlements, as an operator admin uses them. */
class AdminAccountsTest {

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

  private static HttpResponse<String> admin(String method, String path, String body) {
    return service.admin(method, path, ops, body);
  }

  /** Creates an account of RETAILER01 and returns its one-time secret. */
  private static String create(String clientId) {
    HttpResponse<String> created =
        admin(
            "POST",
            "/accounts",
            "{\"clientId\":\"" + clientId + "\",\"participant\":\"RETAILER01\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).path("secret").path("secret").asText();
  }

  @Test
  void created_account_gets_a_generated_secret_shown_once_that_works_at_once() {
    HttpResponse<String> created =
        admin("POST", "/accounts", "{\"clientId\":\"new-app\",\"participant\":\"RETAILER01\"}");

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).contains("/admin/v1/accounts/new-app");
    assertThat(created.headers().firstValue("Cache-Control")).contains("no-store");
    JsonNode body = json(created);
    assertThat(body.path("account").path("clientId").asText()).isEqualTo("new-app");
    assertThat(body.path("account").path("enabled").asBoolean()).isTrue();
    String secret = body.path("secret").path("secret").asText();
    // 256 bits, base64url without padding.
    assertThat(secret).matches("[A-Za-z0-9_-]{43}");
    assertThat(body.path("secret").path("expires").asText())
        .startsWith(Instant.now().plus(Duration.ofDays(90)).toString().substring(0, 10));

    assertThat(service.token("new-app", secret, "").statusCode()).isEqualTo(200);
    HttpResponse<String> read = admin("GET", "/accounts/new-app", null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).doesNotContain(secret).doesNotContain("argon2");
    HttpResponse<String> secrets = admin("GET", "/accounts/new-app/secrets", null);
    assertThat(secrets.body()).doesNotContain(secret).doesNotContain("argon2");
    assertThat(json(secrets).path("items").get(0).path("id").asText())
        .isEqualTo(body.path("secret").path("id").asText());
  }

  @Test
  void granted_entitlement_is_in_the_next_token_and_a_revoked_one_is_not() {
    String secret = create("grant-app");

    HttpResponse<String> put =
        admin(
            "PUT",
            "/accounts/grant-app/entitlements/sord",
            "{\"participants\":[\"RETAILER01\"],\"operations\":[\"read\",\"update\"]}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(json(service.token("grant-app", secret, "sord pqd")).path("scope").asText())
        .isEqualTo("sord");
    assertThat(admin("GET", "/accounts/grant-app/entitlements", null).body())
        .contains("\"entity\":\"sord\"");

    assertThat(admin("DELETE", "/accounts/grant-app/entitlements/sord", null).statusCode())
        .isEqualTo(204);
    assertThat(json(service.token("grant-app", secret, "sord")).has("scope")).isFalse();
    assertThat(admin("DELETE", "/accounts/grant-app/entitlements/sord", null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void disabled_account_is_refused_at_once_and_enabled_again_works() {
    String secret = create("disable-app");

    HttpResponse<String> disabled = admin("PATCH", "/accounts/disable-app", "{\"enabled\":false}");
    assertThat(disabled.statusCode()).isEqualTo(200);
    assertThat(json(disabled).path("enabled").asBoolean()).isFalse();
    HttpResponse<String> refused = service.token("disable-app", secret, "");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(json(refused).path("error").asText()).isEqualTo("invalid_client");

    admin("PATCH", "/accounts/disable-app", "{\"enabled\":true}");
    assertThat(service.token("disable-app", secret, "").statusCode()).isEqualTo(200);
  }

  @Test
  void rotation_adds_a_secret_while_the_old_one_keeps_working_until_revoked() {
    String old = create("rotate-app");
    String oldId =
        json(admin("GET", "/accounts/rotate-app/secrets", null))
            .path("items")
            .get(0)
            .path("id")
            .asText();

    HttpResponse<String> rotated = admin("POST", "/accounts/rotate-app/secrets", null);
    assertThat(rotated.statusCode()).isEqualTo(201);
    String fresh = json(rotated).path("secret").asText();

    assertThat(service.token("rotate-app", fresh, "").statusCode()).isEqualTo(200);
    assertThat(service.token("rotate-app", old, "").statusCode()).isEqualTo(200);
    JsonNode secrets = json(admin("GET", "/accounts/rotate-app/secrets", null)).path("items");
    assertThat(secrets).hasSize(2);
    // The old secret now expires after the rotation grace (24 h by default).
    Instant oldExpires = Instant.parse(secrets.get(1).path("expires").asText());
    assertThat(oldExpires)
        .isBetween(
            Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));

    HttpResponse<String> third = admin("POST", "/accounts/rotate-app/secrets", null);
    assertThat(third.statusCode()).isEqualTo(409);
    assertThat(json(third).path("detail").asText()).contains("revoke one first");

    assertThat(admin("DELETE", "/accounts/rotate-app/secrets/" + oldId, null).statusCode())
        .isEqualTo(204);
    assertThat(service.token("rotate-app", old, "").statusCode()).isEqualTo(401);
    assertThat(service.token("rotate-app", fresh, "").statusCode()).isEqualTo(200);
    assertThat(admin("DELETE", "/accounts/rotate-app/secrets/" + oldId, null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void last_use_of_a_secret_is_recorded() {
    String secret = create("used-app");
    assertThat(
            json(admin("GET", "/accounts/used-app/secrets", null))
                .path("items")
                .get(0)
                .path("lastUsed")
                .isNull())
        .isTrue();

    service.token("used-app", secret, "");
    service.server().auditLog().flush(Duration.ofSeconds(5));

    assertThat(
            json(admin("GET", "/accounts/used-app/secrets", null))
                .path("items")
                .get(0)
                .path("lastUsed")
                .asText())
        .isNotEmpty();
  }

  @Test
  void token_lifetime_of_an_account_sets_expires_in() {
    String secret = create("short-app");

    HttpResponse<String> patched =
        admin("PATCH", "/accounts/short-app", "{\"tokenLifetimeSeconds\":300}");
    assertThat(json(patched).path("tokenLifetimeSeconds").asInt()).isEqualTo(300);
    assertThat(json(service.token("short-app", secret, "")).path("expires_in").asInt())
        .isBetween(299, 300);

    admin("PATCH", "/accounts/short-app", "{\"tokenLifetimeSeconds\":null}");
    assertThat(json(service.token("short-app", secret, "")).path("expires_in").asInt())
        .isBetween(3599, 3600);
    assertThat(admin("PATCH", "/accounts/short-app", "{\"tokenLifetimeSeconds\":10}").statusCode())
        .isEqualTo(400);
  }

  @Test
  void deleted_account_is_refused_and_gone() {
    String secret = create("delete-app");

    assertThat(admin("DELETE", "/accounts/delete-app", null).statusCode()).isEqualTo(204);

    assertThat(service.token("delete-app", secret, "").statusCode()).isEqualTo(401);
    assertThat(admin("GET", "/accounts/delete-app", null).statusCode()).isEqualTo(404);
    assertThat(admin("DELETE", "/accounts/delete-app", null).statusCode()).isEqualTo(404);
  }

  @Test
  void accounts_list_by_participant_in_pages() {
    create("page-a");
    create("page-b");
    create("page-c");

    JsonNode first = json(admin("GET", "/accounts?participant=RETAILER01&limit=2", null));
    assertThat(first.path("items")).hasSize(2);
    String cursor = first.path("nextCursor").asText();
    assertThat(cursor).isNotEmpty();
    JsonNode second =
        json(admin("GET", "/accounts?participant=RETAILER01&limit=2&cursor=" + cursor, null));
    assertThat(second.path("items").get(0).path("clientId").asText())
        .isGreaterThan(first.path("items").get(1).path("clientId").asText());

    JsonNode dnsp = json(admin("GET", "/accounts?participant=DNSP01", null));
    assertThat(dnsp.path("items"))
        .extracting(n -> n.path("clientId").asText())
        .containsExactly("dnsp01-app");
    assertThat(dnsp.path("nextCursor").isNull()).isTrue();
    assertThat(admin("GET", "/accounts?limit=0", null).statusCode()).isEqualTo(400);
  }

  @Test
  void malformed_requests_are_400_problems_naming_every_field() {
    HttpResponse<String> bad =
        admin(
            "POST",
            "/accounts",
            "{\"clientId\":\"has space\",\"participant\":\"RETAILER01\",\"enabled\":\"yes\",\"colour\":1}");

    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(json(bad).path("errors").toString())
        .contains("clientId:")
        .contains("enabled: expected true or false")
        .contains("colour: unknown field");
    assertThat(admin("POST", "/accounts", "not json").statusCode()).isEqualTo(400);
    assertThat(admin("POST", "/accounts", "[]").statusCode()).isEqualTo(400);
    assertThat(
            service
                .send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(service.base() + "/admin/v1/accounts"))
                        .header("Authorization", "Bearer " + ops)
                        .header("Content-Type", "text/plain")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                        .build())
                .statusCode())
        .isEqualTo(415);
    assertThat(
            admin("POST", "/accounts", "{\"clientId\":\"x-app\",\"participant\":\"NOBODY\"}")
                .statusCode())
        .isEqualTo(400);
    assertThat(
            admin(
                    "POST",
                    "/accounts",
                    "{\"clientId\":\"retailer01-app\",\"participant\":\"RETAILER01\"}")
                .statusCode())
        .isEqualTo(409);
  }

  @Test
  void json_that_two_readers_could_read_differently_is_refused() {
    assertThat(
            admin(
                    "POST",
                    "/accounts",
                    "{\"clientId\":\"dup-app\",\"participant\":\"RETAILER01\",\"roles\":[],\"roles\":[\"operator-admin\"]}")
                .statusCode())
        .isEqualTo(400);
    assertThat(
            admin(
                    "POST",
                    "/accounts",
                    "{\"clientId\":\"tail-app\",\"participant\":\"RETAILER01\"} trailing")
                .statusCode())
        .isEqualTo(400);
    assertThat(admin("GET", "/accounts/dup-app", null).statusCode()).isEqualTo(404);
    assertThat(admin("POST", "/accounts", "{\"clientId\":\"no-owner\"}").statusCode())
        .isEqualTo(400);
  }

  @Test
  void audit_times_outside_1970_to_9999_are_a_400() {
    assertThat(admin("GET", "/audit?from=%2B1000000000-01-01T00:00:00Z", null).statusCode())
        .isEqualTo(400);
  }

  @Test
  void an_operation_still_granted_cannot_be_taken_off_its_entity() {
    HttpResponse<String> narrowed = admin("PATCH", "/entities/pqd", "{\"operations\":[\"read\"]}");

    assertThat(narrowed.statusCode()).isEqualTo(409);
    assertThat(json(narrowed).path("detail").asText()).contains("still grant create");
  }

  @Test
  void entitlement_must_name_known_participants_and_offered_operations() {
    create("strict-app");

    HttpResponse<String> notOffered =
        admin(
            "PUT",
            "/accounts/strict-app/entitlements/pqd",
            "{\"participants\":[\"RETAILER01\"],\"operations\":[\"delete\"]}");
    assertThat(notOffered.statusCode()).isEqualTo(400);
    assertThat(notOffered.body()).contains("does not offer delete");
    HttpResponse<String> unknownParticipant =
        admin(
            "PUT",
            "/accounts/strict-app/entitlements/pqd",
            "{\"participants\":[\"NOBODY\"],\"operations\":[\"read\"]}");
    assertThat(unknownParticipant.statusCode()).isEqualTo(400);
    assertThat(unknownParticipant.body()).contains("unknown participant 'NOBODY'");
    assertThat(
            admin(
                    "PUT",
                    "/accounts/strict-app/entitlements/nothing",
                    "{\"participants\":[\"RETAILER01\"],\"operations\":[\"read\"]}")
                .statusCode())
        .isEqualTo(404);
    HttpResponse<String> admin =
        admin(
            "PUT",
            "/accounts/strict-app/entitlements/idx-admin",
            "{\"participants\":[\"RETAILER01\"],\"operations\":[\"read\"]}");
    assertThat(admin.statusCode()).isEqualTo(409);
    assertThat(admin.body()).contains("granted by the roles");
  }

  @Test
  void roles_give_the_admin_api_and_the_last_operator_cannot_be_removed() {
    String secret = create("second-ops");
    assertThat(service.token("second-ops", secret, "idx-admin").body()).doesNotContain("\"scope\"");

    HttpResponse<String> promoted =
        admin("PATCH", "/accounts/second-ops", "{\"roles\":[\"operator-admin\"]}");
    assertThat(json(promoted).path("roles").toString()).isEqualTo("[\"operator-admin\"]");
    String token = service.adminToken("second-ops", secret);
    assertThat(service.admin("GET", "/keys", token, null).statusCode()).isEqualTo(200);

    assertThat(admin("PATCH", "/accounts/second-ops", "{\"roles\":[]}").statusCode())
        .isEqualTo(200);
    HttpResponse<String> demoted = service.admin("GET", "/keys", token, null);
    assertThat(demoted.statusCode()).isEqualTo(403);
    assertThat(json(demoted).path("missingRight").asText()).isEqualTo("admin-role");

    HttpResponse<String> last = admin("PATCH", "/accounts/ops-admin", "{\"enabled\":false}");
    assertThat(last.statusCode()).isEqualTo(409);
    assertThat(json(last).path("detail").asText()).contains("last enabled operator-admin");
    assertThat(admin("DELETE", "/accounts/ops-admin", null).statusCode()).isEqualTo(409);
  }
}
