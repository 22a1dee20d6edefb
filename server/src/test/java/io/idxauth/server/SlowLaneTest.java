package io.idxauth.server;

import static io.idxauth.server.TestService.CLIENT;
import static io.idxauth.server.TestService.SECRET;
import static io.idxauth.server.TestService.form;
import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.core.SecretHashes;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow secret hashes run in a lane of bounded width: a flood of wrong secrets is turned away with
 * 503 once the lane is full, and a remembered secret is served all the while.
 */
class SlowLaneTest {

  @TempDir java.nio.file.Path dir;

  @Test
  void wrong_secrets_past_the_slow_lane_get_503_while_remembered_secrets_are_served()
      throws Exception {
    try (TestService service = TestService.start(dir)) {
      // An account whose hash costs what production hashes cost, so wrong guesses overlap.
      String costly = SecretHashes.DEFAULT.hash("costly-secret");
      service.provision(
          "accounts:\n  - {clientId: costly-app, participant: DNSP01, secretHash: '"
              + costly
              + "'}\n");
      service.restart(Map.of("slow-check-concurrency", "1", "slow-check-wait-ms", "0"));
      String good =
          form("grant_type", "client_credentials", "client_id", CLIENT, "client_secret", SECRET);
      assertThat(service.postForm(good).statusCode()).isEqualTo(200);
      String wrong =
          form("grant_type", "client_credentials", "client_id", "costly-app", "client_secret", "x");

      List<HttpResponse<String>> flood = new ArrayList<>();
      HttpResponse<String> remembered;
      try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          futures.add(pool.submit(() -> service.postForm(wrong)));
        }
        remembered = service.postForm(good);
        for (Future<HttpResponse<String>> f : futures) {
          flood.add(f.get());
        }
      }

      assertThat(remembered.statusCode()).isEqualTo(200);
      assertThat(flood).extracting(HttpResponse::statusCode).containsOnly(401, 503).contains(503);
      HttpResponse<String> busy =
          flood.stream().filter(r -> r.statusCode() == 503).findFirst().orElseThrow();
      assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(busy.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(busy.body()).contains("\"error\":\"temporarily_unavailable\"");
    }
  }
}
