package io.idxauth.server;

import static io.idxauth.server.TestService.CLIENT;
import static io.idxauth.server.TestService.SECRET;
import static io.idxauth.server.TestService.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} in the Prometheus format, and through it the rule that a correct secret pays the
 * slow hash once while a wrong one pays it every time.
 */
class MetricsTest {

  private static TestService service;

  @BeforeAll
  static void start() {
    service = TestService.start(TestService.tempDir());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static double metric(String name) {
    HttpResponse<String> response = service.getManagement("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$")
            .matcher(response.body());
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  @Test
  void metrics_are_served_only_on_the_management_listener() {
    assertThat(service.get("/metrics").statusCode()).isEqualTo(404);
    assertThat(service.get("/metrics/").statusCode()).isEqualTo(404);
    assertThat(service.get("/metrics//").statusCode()).isEqualTo(404);
    assertThat(service.getManagement("/metrics").statusCode()).isEqualTo(200);
    assertThat(service.getManagement("/oauth2/jwks").statusCode()).isEqualTo(404);
    assertThat(service.getManagement("/health/ready").statusCode()).isEqualTo(200);
    assertThat(service.get("/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void store_state_and_cached_accounts_are_measured() {
    service.accessToken("pqd");

    assertThat(metric("idx_auth_store_reachable")).isEqualTo(1.0);
    assertThat(metric("idx_auth_accounts_cached")).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void correct_secret_pays_the_slow_hash_once_then_is_remembered() {
    String request =
        form("grant_type", "client_credentials", "client_id", CLIENT, "client_secret", SECRET);
    assertThat(service.postForm(request).statusCode()).isEqualTo(200);
    double before = metric("idx_auth_secret_slow_checks_total");

    for (int i = 0; i < 5; i++) {
      assertThat(service.postForm(request).statusCode()).isEqualTo(200);
    }

    assertThat(metric("idx_auth_secret_slow_checks_total")).isEqualTo(before);
  }

  @Test
  void wrong_secret_pays_the_slow_hash_every_time() {
    String request =
        form("grant_type", "client_credentials", "client_id", CLIENT, "client_secret", "wrong");
    double before = metric("idx_auth_secret_slow_checks_total");

    for (int i = 0; i < 3; i++) {
      assertThat(service.postForm(request).statusCode()).isEqualTo(401);
    }

    assertThat(metric("idx_auth_secret_slow_checks_total")).isGreaterThanOrEqualTo(before + 3);
  }

  @Test
  void issued_tokens_and_refusals_are_counted_by_reason() {
    double issued = metric("idx_auth_tokens_issued_total");
    double unknown = metric("idx_auth_client_refusals_total{reason=\"unknown_client\"}");

    service.postForm(
        form("grant_type", "client_credentials", "client_id", CLIENT, "client_secret", SECRET));
    service.postForm(
        form("grant_type", "client_credentials", "client_id", "nobody", "client_secret", "x"));

    assertThat(metric("idx_auth_tokens_issued_total")).isEqualTo(issued + 1);
    assertThat(service.getManagement("/metrics").body())
        .contains("idx_auth_client_refusals_total{reason=\"unknown_client\"} " + (unknown + 1));
  }
}
