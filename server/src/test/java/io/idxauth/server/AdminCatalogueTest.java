package io.idxauth.server;

import static io.idxauth.server.TestService.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /admin/v1/participants} and {@code /admin/v1/entities}, as the operator keeps them. */
class AdminCatalogueTest {

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

  @Test
  void participant_is_created_read_updated_and_deleted() {
    HttpResponse<String> created =
        admin("POST", "/participants", "{\"id\":\"GEN01\",\"name\":\"Generator One\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).contains("/admin/v1/participants/GEN01");
    assertThat(created.body())
        .isEqualTo("{\"id\":\"GEN01\",\"name\":\"Generator One\",\"entitlements\":[]}");

    HttpResponse<String> updated =
        admin(
            "PATCH",
            "/participants/GEN01",
            "{\"name\":\"Generator 1\",\"entitlements\":[{\"entity\":\"mtrd\",\"participants\":[\"GEN01\"],\"operations\":[\"read\"]}]}");
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(
            json(admin("GET", "/participants/GEN01", null))
                .path("entitlements")
                .get(0)
                .path("entity")
                .asText())
        .isEqualTo("mtrd");
    assertThat(admin("GET", "/participants", null).body()).contains("Generator 1");

    assertThat(admin("DELETE", "/participants/GEN01", null).statusCode()).isEqualTo(204);
    assertThat(admin("GET", "/participants/GEN01", null).statusCode()).isEqualTo(404);
  }

  @Test
  void participant_may_hold_rights_for_itself_from_its_creation() {
    HttpResponse<String> created =
        admin(
            "POST",
            "/participants",
            "{\"id\":\"SELF01\",\"name\":\"Self\",\"entitlements\":[{\"entity\":\"pqd\",\"participants\":[\"SELF01\"],\"operations\":[\"read\"]}]}");

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created).path("entitlements").get(0).path("participants").toString())
        .isEqualTo("[\"SELF01\"]");
  }

  @Test
  void participant_still_referenced_is_not_deleted() {
    HttpResponse<String> owner = admin("DELETE", "/participants/DNSP01", null);
    assertThat(owner.statusCode()).isEqualTo(409);
    assertThat(json(owner).path("detail").asText()).contains("owns 1 account");

    // RETAILER02 owns suspended-app and is named in retailer01-app's pqd entitlement.
    admin("DELETE", "/accounts/suspended-app", null);
    HttpResponse<String> named = admin("DELETE", "/participants/RETAILER02", null);
    assertThat(named.statusCode()).isEqualTo(409);
    assertThat(json(named).path("detail").asText()).contains("named in");
  }

  @Test
  void malformed_participants_are_refused() {
    assertThat(admin("POST", "/participants", "{\"id\":\"lower\",\"name\":\"x\"}").statusCode())
        .isEqualTo(400);
    assertThat(
            admin("POST", "/participants", "{\"id\":\"RETAILER01\",\"name\":\"again\"}")
                .statusCode())
        .isEqualTo(409);
    HttpResponse<String> badHolding =
        admin(
            "POST",
            "/participants",
            "{\"id\":\"BAD01\",\"name\":\"x\",\"entitlements\":[{\"entity\":\"nothing\",\"participants\":[\"BAD01\"],\"operations\":[\"read\"]}]}");
    assertThat(badHolding.statusCode()).isEqualTo(400);
    assertThat(badHolding.body()).contains("unknown entity 'nothing'");
  }

  @Test
  void entity_is_created_read_updated_and_deleted() {
    HttpResponse<String> created =
        admin(
            "POST",
            "/entities",
            "{\"name\":\"archive\",\"kind\":\"idx-service\",\"description\":\"Archive retrieval\",\"operations\":[\"read\",\"execute\"]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(service.get("/.well-known/oauth-authorization-server").body())
        .contains("\"archive\"");

    HttpResponse<String> updated =
        admin("PATCH", "/entities/archive", "{\"operations\":[\"read\"]}");
    assertThat(json(updated).path("operations").toString()).isEqualTo("[\"read\"]");
    assertThat(json(admin("GET", "/entities/archive", null)).path("description").asText())
        .isEqualTo("Archive retrieval");

    assertThat(admin("DELETE", "/entities/archive", null).statusCode()).isEqualTo(204);
    assertThat(admin("GET", "/entities/archive", null).statusCode()).isEqualTo(404);
    assertThat(service.get("/.well-known/oauth-authorization-server").body())
        .doesNotContain("\"archive\"");
  }

  @Test
  void entity_in_use_or_reserved_is_not_deleted() {
    HttpResponse<String> inUse = admin("DELETE", "/entities/pqd", null);
    assertThat(inUse.statusCode()).isEqualTo(409);
    assertThat(json(inUse).path("detail").asText()).contains("used by");

    assertThat(admin("DELETE", "/entities/idx-admin", null).statusCode()).isEqualTo(409);
    assertThat(admin("PATCH", "/entities/idx-admin", "{\"description\":\"mine\"}").statusCode())
        .isEqualTo(409);
    assertThat(
            admin(
                    "POST",
                    "/entities",
                    "{\"name\":\"Bad Name\",\"kind\":\"idx-service\",\"operations\":[\"read\"]}")
                .statusCode())
        .isEqualTo(400);
    assertThat(
            admin(
                    "POST",
                    "/entities",
                    "{\"name\":\"x1\",\"kind\":\"gadget\",\"operations\":[\"read\"]}")
                .statusCode())
        .isEqualTo(400);
  }
}
