package io.idxauth.server;

import static io.idxauth.server.TestService.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An import into the store of a running service is seen by its token endpoint. */
class StoreChangesTest {

  @TempDir java.nio.file.Path dir;

  @Test
  void entitlement_imported_while_serving_is_granted_without_restart() {
    try (TestService service = TestService.start(dir)) {
      String request =
          form(
              "grant_type", "client_credentials",
              "client_id", "dnsp01-app",
              "client_secret", "dnsp01-secret",
              "scope", "sord");
      assertThat(service.postForm(request).body()).doesNotContain("\"scope\"");

      service.provision(
          """
          accounts:
            - clientId: dnsp01-app
              participant: DNSP01
              entitlements:
                - {entity: sord, participants: [DNSP01], operations: [read]}
          """);

      HttpResponse<String> response =
          eventually(() -> service.postForm(request), r -> r.body().contains("\"scope\":\"sord\""));
      assertThat(response.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void account_disabled_while_serving_is_refused() {
    try (TestService service = TestService.start(dir)) {
      String request =
          form(
              "grant_type", "client_credentials",
              "client_id", "dnsp01-app",
              "client_secret", "dnsp01-secret");
      assertThat(service.postForm(request).statusCode()).isEqualTo(200);

      service.provision(
          """
          accounts:
            - {clientId: dnsp01-app, participant: DNSP01, enabled: false}
          """);

      assertThat(
              eventually(() -> service.postForm(request), r -> r.statusCode() == 401).statusCode())
          .isEqualTo(401);
    }
  }

  /** Retries for up to ten seconds: the change must arrive, the test does not time it. */
  private static HttpResponse<String> eventually(
      java.util.function.Supplier<HttpResponse<String>> call,
      Predicate<HttpResponse<String>> done) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    HttpResponse<String> last = call.get();
    while (!done.test(last) && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      last = call.get();
    }
    return last;
  }
}
