package io.idxauth.server;

import io.idxauth.core.ClientAuthenticator;
import io.idxauth.core.SecretVerifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** The token endpoint's counters, created once so the hot path only increments. */
final class TokenMetrics {

  private final Counter scoped;
  private final Counter unscoped;
  private final Map<ClientAuthenticator.Refusal, Counter> refusals =
      new EnumMap<>(ClientAuthenticator.Refusal.class);
  private final MeterRegistry registry;

  TokenMetrics(MeterRegistry registry, SecretVerifier verifier) {
    this.registry = registry;
    scoped = issued(registry, "true");
    unscoped = issued(registry, "false");
    for (ClientAuthenticator.Refusal refusal : ClientAuthenticator.Refusal.values()) {
      refusals.put(
          refusal,
          Counter.builder("idx_auth_client_refusals")
              .description("Client authentications refused, by the real reason")
              .tag("reason", refusal.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    FunctionCounter.builder("idx_auth_secret_slow_checks", verifier, SecretVerifier::slowChecks)
        .description("Secret checks that paid the slow hash (a remembered secret does not)")
        .register(registry);
  }

  private static Counter issued(MeterRegistry registry, String scoped) {
    return Counter.builder("idx_auth_tokens_issued")
        .description("Access tokens issued")
        .tag("scoped", scoped)
        .register(registry);
  }

  void issued(boolean isScoped) {
    (isScoped ? scoped : unscoped).increment();
  }

  void refused(ClientAuthenticator.Refusal refusal) {
    refusals.get(refusal).increment();
  }

  void error(String code) {
    registry.counter("idx_auth_token_errors", "error", code).increment();
  }
}
