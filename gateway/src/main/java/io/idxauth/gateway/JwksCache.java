package io.idxauth.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's signing keys (RFC 7517 JWK Set), fetched over HTTP and held in memory as ready
 * verifiers by {@code kid}.
 *
 * <p>An unknown {@code kid} triggers a refetch, at most one per {@code minRefetch}: concurrent
 * callers wait for the one fetch under way and then look again, and within the period, with no
 * fetch under way, an unknown {@code kid} is answered at once as unknown, so a flood of forged kids
 * cannot turn into a flood of fetches. The set is also refreshed in the background once it is older
 * than {@code maxAge}, so that a key the issuer withdraws stops being trusted. A failed fetch keeps
 * the keys held.
 */
final class JwksCache {

  private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);

  /** The keys as last fetched; {@code fetchedAt} is a {@link System#nanoTime()}. */
  private record Keys(Map<String, JWSVerifier> byKid, long fetchedAt) {}

  private final HttpClient http;
  private final URI uri;
  private final long minRefetchNanos;
  private final long maxAgeNanos;
  private final Duration timeout;
  private final Runnable onWithdrawn;

  private final ReentrantLock fetching = new ReentrantLock();
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final LongAdder fetches = new LongAdder();
  private volatile Keys keys = new Keys(Map.of(), 0);
  private volatile boolean attempted;
  private volatile long lastAttempt;
  private volatile boolean failing;

  /**
   * @param onWithdrawn run after a fetch in which a key held before is no longer published
   */
  JwksCache(
      HttpClient http,
      URI uri,
      Duration minRefetch,
      Duration maxAge,
      Duration timeout,
      Runnable onWithdrawn) {
    this.http = http;
    this.uri = uri;
    this.minRefetchNanos = minRefetch.toNanos();
    this.maxAgeNanos = maxAge.toNanos();
    this.timeout = timeout;
    this.onWithdrawn = onWithdrawn;
  }

  /**
   * The verifier of {@code kid}, fetching the key set again if the kid is unknown and no fetch
   * happened within {@code minRefetch}; {@code null} when the kid stays unknown.
   */
  JWSVerifier verifier(String kid) {
    Keys held = keys;
    JWSVerifier verifier = held.byKid().get(kid);
    if (verifier != null) {
      if (System.nanoTime() - held.fetchedAt() > maxAgeNanos) {
        refreshInBackground();
      }
      return verifier;
    }
    if (!mayFetch() && !fetching.isLocked()) {
      // Fetched within the period and no fetch under way: unknown, at once. Read the keys again,
      // a fetch may have ended since they were read above.
      return keys.byKid().get(kid);
    }
    fetching.lock();
    try {
      // Another caller may have fetched while this one waited for the lock.
      verifier = keys.byKid().get(kid);
      if (verifier == null && mayFetch()) {
        fetch();
        verifier = keys.byKid().get(kid);
      }
      return verifier;
    } finally {
      fetching.unlock();
    }
  }

  /** Fetches the key set now, unless a fetch happened within {@code minRefetch}. */
  void refresh() {
    fetching.lock();
    try {
      if (mayFetch()) {
        fetch();
      }
    } finally {
      fetching.unlock();
    }
  }

  /** Whether no key was ever fetched successfully. */
  boolean isEmpty() {
    return keys.byKid().isEmpty();
  }

  /** How many times the key set was requested from the issuer. */
  long fetches() {
    return fetches.sum();
  }

  private boolean mayFetch() {
    return !attempted || System.nanoTime() - lastAttempt >= minRefetchNanos;
  }

  private void refreshInBackground() {
    if (mayFetch() && refreshing.compareAndSet(false, true)) {
      Thread.ofVirtual()
          .name("idx-auth-jwks-refresh")
          .start(
              () -> {
                try {
                  refresh();
                } finally {
                  refreshing.set(false);
                }
              });
    }
  }

  /** One request for the key set; called holding {@link #fetching}. */
  private void fetch() {
    fetches.increment();
    lastAttempt = System.nanoTime();
    attempted = true;
    Map<String, JWSVerifier> fetched;
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(timeout)
                  .header("Accept", "application/jwk-set+json, application/json")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("HTTP status " + response.statusCode());
      }
      fetched = verifiers(JWKSet.parse(response.body()));
      if (fetched.isEmpty()) {
        throw new IOException("no RSA signing key in the set");
      }
    } catch (IOException | ParseException | JOSEException e) {
      failed(e.getMessage());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed("interrupted");
      return;
    }
    Keys before = keys;
    keys = new Keys(Map.copyOf(fetched), lastAttempt);
    if (failing) {
      failing = false;
      LOG.info("signing keys fetched again from {}", uri);
    }
    if (!fetched.keySet().containsAll(before.byKid().keySet())) {
      LOG.info("signing keys withdrawn by the issuer: now {}", fetched.keySet());
      onWithdrawn.run();
    }
  }

  private void failed(String why) {
    if (!failing) {
      failing = true;
      LOG.warn(
          "cannot fetch signing keys from {} ({}); keeping the {} key(s) held",
          uri,
          why,
          keys.byKid().size());
    }
  }

  /** RFC 7517 §4: keys for RS256 signatures only, each with a kid. */
  private static Map<String, JWSVerifier> verifiers(JWKSet set) throws JOSEException {
    Map<String, JWSVerifier> byKid = new HashMap<>();
    for (JWK key : set.getKeys()) {
      boolean forSignatures = key.getKeyUse() == null || KeyUse.SIGNATURE.equals(key.getKeyUse());
      boolean rs256 = key.getAlgorithm() == null || JWSAlgorithm.RS256.equals(key.getAlgorithm());
      if (key instanceof RSAKey rsa && key.getKeyID() != null && forSignatures && rs256) {
        byKid.put(key.getKeyID(), new RSASSAVerifier(rsa.toRSAPublicKey()));
      }
    }
    return byKid;
  }
}
