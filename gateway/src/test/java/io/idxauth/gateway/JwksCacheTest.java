package io.idxauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWKS held in memory: fetched once, refetched on an unknown kid at most once per period. */
class JwksCacheTest {

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final AtomicInteger withdrawals = new AtomicInteger();
  private TokenForge forge;
  private RSAKey first;

  @BeforeEach
  void start() {
    forge = new TokenForge();
    first = TokenForge.newKey("k1");
    forge.publish(first);
  }

  @AfterEach
  void stop() {
    forge.close();
    http.close();
  }

  private JwksCache cache(Duration minRefetch, Duration maxAge) {
    return new JwksCache(
        http,
        forge.jwksUri(),
        minRefetch,
        maxAge,
        Duration.ofSeconds(5),
        withdrawals::incrementAndGet);
  }

  @Test
  void a_known_kid_is_served_from_memory() {
    JwksCache cache = cache(Duration.ZERO, Duration.ofMinutes(5));
    for (int i = 0; i < 100; i++) {
      assertThat(cache.verifier("k1")).isNotNull();
    }
    assertThat(forge.jwksHits()).isEqualTo(1);
    assertThat(cache.fetches()).isEqualTo(1);
  }

  @Test
  void an_unknown_kid_is_refetched_at_most_once_per_period() throws Exception {
    RSAKey second = TokenForge.newKey("k2");
    JwksCache cache = cache(Duration.ofMillis(400), Duration.ofMinutes(5));
    cache.refresh();
    forge.publish(first, second);

    assertThat(cache.verifier("k2")).as("within the period of the first fetch").isNull();
    assertThat(forge.jwksHits()).isEqualTo(1);
    Thread.sleep(450);
    assertThat(cache.verifier("k2")).isNotNull();
    for (int i = 0; i < 50; i++) {
      assertThat(cache.verifier("forged-" + i)).isNull();
    }
    assertThat(forge.jwksHits()).isEqualTo(2);
  }

  @Test
  void concurrent_callers_with_an_unknown_kid_cause_one_fetch() throws Exception {
    JwksCache cache = cache(Duration.ofSeconds(30), Duration.ofMinutes(5));
    forge.jwksDelay(300);
    int callers = 32;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> found = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        found.add(
            pool.submit(
                () -> {
                  go.await();
                  return cache.verifier("k1") != null;
                }));
      }
      go.countDown();
      for (Future<Boolean> f : found) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(forge.jwksHits()).isEqualTo(1);
  }

  @Test
  void a_failing_fetch_keeps_the_keys_held() throws Exception {
    JwksCache cache = cache(Duration.ZERO, Duration.ofMinutes(5));
    cache.refresh();

    forge.jwksStatus(500);
    cache.refresh();
    assertThat(cache.verifier("k1")).isNotNull();

    forge.jwksStatus(200);
    for (String broken : List.of("not json", "{\"keys\":[]}", "{\"keys\":[{\"kty\":\"RSA\"}]}")) {
      forge.jwks(broken);
      cache.refresh();
      assertThat(cache.verifier("k1")).as(broken).isNotNull();
    }
    forge.close();
    cache.refresh();
    assertThat(cache.verifier("k1")).isNotNull();
    assertThat(cache.fetches()).isEqualTo(6);
    assertThat(withdrawals).hasValue(0);
  }

  @Test
  void a_key_withdrawn_by_the_issuer_is_dropped_on_the_next_refresh_and_reported()
      throws Exception {
    JwksCache cache = cache(Duration.ZERO, Duration.ofMillis(100));
    RSAKey second = TokenForge.newKey("k2");
    forge.publish(first, second);
    cache.refresh();
    forge.publish(second);

    Thread.sleep(150);
    assertThat(cache.verifier("k2")).as("the stale set still answers").isNotNull();
    for (int i = 0; i < 50 && cache.verifier("k1") != null; i++) {
      Thread.sleep(20);
    }
    assertThat(cache.verifier("k1")).isNull();
    assertThat(withdrawals).hasValue(1);
  }

  @Test
  void only_rsa_keys_for_rs256_signatures_are_kept() throws Exception {
    RSAKey encryption =
        new RSAKey.Builder(TokenForge.newKey("enc")).keyUse(KeyUse.ENCRYPTION).build();
    RSAKey rs512 =
        new RSAKey.Builder(TokenForge.newKey("rs512")).algorithm(JWSAlgorithm.RS512).build();
    RSAKey rs256 =
        new RSAKey.Builder(TokenForge.newKey("rs256")).algorithm(JWSAlgorithm.RS256).build();
    forge.jwks(
        "{\"keys\":["
            + encryption.toPublicJWK().toJSONString()
            + ","
            + rs512.toPublicJWK().toJSONString()
            + ","
            + rs256.toPublicJWK().toJSONString()
            + ","
            + new ECKeyGenerator(Curve.P_256).keyID("ec").generate().toPublicJWK().toJSONString()
            + "]}");
    JwksCache cache = cache(Duration.ofMinutes(1), Duration.ofMinutes(5));

    assertThat(cache.verifier("rs256")).isNotNull();
    assertThat(cache.verifier("enc")).isNull();
    assertThat(cache.verifier("rs512")).isNull();
    assertThat(cache.verifier("ec")).isNull();
  }
}
