package io.idxauth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The served admin OpenAPI document and the service agree on every route. */
class AdminOpenApiTest {

  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
  private static TestService service;

  @BeforeAll
  static void start() {
    service = TestService.start(TestService.tempDir());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void every_documented_operation_is_routed() throws Exception {
    JsonNode doc = new YAMLMapper().readTree(service.get("/admin/v1/openapi.yaml").body());
    String ops = service.operatorToken();
    List<String> missing = new ArrayList<>();
    int operations = 0;
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next();
        if (!METHODS.contains(method)) {
          continue;
        }
        operations++;
        // Path parameters of things that do not exist: a routed operation answers with its own
        // 404 (or 400, 409), an unrouted one with the router's 404 or 405.
        String concrete = path.getKey().replaceAll("\\{[^}]+}", "nothing-here");
        HttpResponse<String> response =
            service.admin(
                method.toUpperCase(),
                concrete.substring("/admin/v1".length()),
                ops,
                method.equals("get") || method.equals("delete") ? null : "{}");
        if (response.statusCode() == 405 || response.body().contains("no resource at")) {
          missing.add(method.toUpperCase() + " " + path.getKey());
        }
      }
    }
    assertThat(operations).isGreaterThanOrEqualTo(24);
    assertThat(missing).isEmpty();
  }

  @Test
  void an_undocumented_admin_path_is_a_404_problem() {
    HttpResponse<String> response =
        service.admin("GET", "/no-such-thing", service.operatorToken(), null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(TestService.json(response).path("title").asText()).isEqualTo("Not Found");
    HttpResponse<String> wrongMethod =
        service.admin("PUT", "/accounts", service.operatorToken(), "{}");
    assertThat(TestService.json(wrongMethod).path("title").asText())
        .isIn("Not Found", "Method Not Allowed");
  }
}
