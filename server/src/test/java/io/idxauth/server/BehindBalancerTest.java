package io.idxauth.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind a load balancer every request comes from the balancer's address. With the balancer in
 * {@code trusted-proxies}, the per-source limit counts the callers it forwards, not itself.
 */
class BehindBalancerTest {

  @TempDir Path dir;

  private TestService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  private HttpResponse<String> tokenFrom(String caller, String clientId, String secret) {
    return service.postForm(
        TestService.form(
            "grant_type", "client_credentials", "client_id", clientId, "client_secret", secret),
        "X-Forwarded-For",
        caller);
  }

  @Test
  void source_limit_counts_the_callers_a_trusted_balancer_forwards() {
    service = TestService.start(dir);
    service.restart(Map.of("source-failure-limit", "2", "trusted-proxies", "127.0.0.1"));

    for (int i = 0; i < 2; i++) {
      assertThat(tokenFrom("203.0.113.7", "dnsp01-app", "wrong").statusCode()).isEqualTo(401);
    }

    // The guessing caller is limited, even with a right secret that needs a slow check ...
    assertThat(tokenFrom("203.0.113.7", "dnsp01-app", "dnsp01-secret").statusCode()).isEqualTo(401);
    // ... the other callers behind the same balancer are not.
    assertThat(tokenFrom("203.0.113.8", "dnsp01-app", "dnsp01-secret").statusCode()).isEqualTo(200);
    service.server().auditLog().flush(java.time.Duration.ofSeconds(5));
    assertThat(
            service.admin("GET", "/audit?kind=token.refused", service.operatorToken(), null).body())
        .contains("\"source\":\"203.0.113.7\"")
        .contains("\"reason\":\"source_limited\"");
  }

  @Test
  void forwarded_address_from_an_untrusted_peer_counts_for_nothing() {
    service = TestService.start(dir);
    service.restart(Map.of("source-failure-limit", "2"));

    for (int i = 0; i < 2; i++) {
      assertThat(tokenFrom("203.0.113.7", "dnsp01-app", "wrong").statusCode()).isEqualTo(401);
    }

    // Without trusted proxies the header is the caller's own claim: the peer is what counts.
    assertThat(tokenFrom("203.0.113.8", "dnsp01-app", "dnsp01-secret").statusCode()).isEqualTo(401);
  }
}
