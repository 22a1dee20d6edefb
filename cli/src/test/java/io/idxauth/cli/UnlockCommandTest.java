package io.idxauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.server.TestService;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idx-auth unlock}: the way back in when every operator admin is locked out. */
class UnlockCommandTest {

  @TempDir Path dir;

  @Test
  void lifts_a_lock_in_the_store_and_the_running_service_lets_the_client_in() throws Exception {
    try (TestService service = TestService.start(dir)) {
      service.restart(Map.of("lockout-threshold", "2"));
      String operator = service.operatorToken();
      for (int i = 0; i < 2; i++) {
        assertThat(service.token(TestService.OPERATOR, "wrong", "idx-admin").statusCode())
            .isEqualTo(401);
      }
      assertThat(
              service
                  .token(TestService.OPERATOR, TestService.OPERATOR_SECRET, "idx-admin")
                  .statusCode())
          .isEqualTo(401);

      CliRun run = CliRun.of("unlock", TestService.OPERATOR, "--data", dir.toString());

      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).contains("unlocked ops-admin on every instance");
      Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
      HttpResponse<String> token;
      do {
        Thread.sleep(100);
        token = service.token(TestService.OPERATOR, TestService.OPERATOR_SECRET, "idx-admin");
      } while (token.statusCode() != 200 && Instant.now().isBefore(deadline));
      assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
      service.server().auditLog().flush(Duration.ofSeconds(5));
      assertThat(service.admin("GET", "/audit?kind=account.unlocked", operator, null).body())
          .contains("\"actor\":\"idx-auth unlock\"");
    }
  }

  @Test
  void client_with_no_failures_is_left_alone() {
    try (TestService service = TestService.start(dir)) {
      CliRun run = CliRun.of("unlock", "retailer01-app", "--data", dir.toString());

      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).contains("no failures on record");
    }
  }
}
