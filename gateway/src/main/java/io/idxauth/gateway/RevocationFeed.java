package io.idxauth.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token service's revoked tokens, polled from its feed so that a revoked token is refused
 * within one poll period without a call to the token service per request.
 *
 * <p>The feed answers {@code GET {feed}?since=<revision>} with {@code {"revision": n, "revoked":
 * [{"jti": "…", "exp": <epoch seconds>}]}}: without {@code since} every revoked token not yet
 * expired, with it those revoked after that revision. Revocation is permanent, so each answer is
 * added to the set held; a jti is dropped once its token has expired beyond the leeway, when it
 * would be refused anyway. A failed poll keeps the set held and is logged once until the feed
 * answers again.
 */
final class RevocationFeed implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RevocationFeed.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI feed;
  private final Duration poll;
  private final Duration timeout;
  private final long leewayMillis;
  private final Clock clock;

  /** Revoked jti → its token's {@code exp}, in epoch seconds. */
  private final Map<String, Long> revoked = new ConcurrentHashMap<>();

  private final LongAdder polls = new LongAdder();
  private final Object polling = new Object();
  private ScheduledExecutorService scheduler;
  private String since; // guarded by polling
  private boolean failing; // guarded by polling

  RevocationFeed(
      HttpClient http, URI feed, Duration poll, Duration timeout, Duration leeway, Clock clock) {
    this.http = http;
    this.feed = feed;
    this.poll = poll;
    this.timeout = timeout;
    this.leewayMillis = leeway.toMillis();
    this.clock = clock;
  }

  /** Polls once now, then every {@code poll} on a daemon thread until {@link #close()}. */
  synchronized void start() {
    if (scheduler != null) {
      return;
    }
    poll();
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "idx-auth-revocation-feed");
              thread.setDaemon(true);
              return thread;
            });
    long period = poll.toMillis();
    scheduler.scheduleWithFixedDelay(this::poll, period, period, TimeUnit.MILLISECONDS);
  }

  /** Whether the token of {@code jti} is revoked, as of the last successful poll. */
  boolean isRevoked(String jti) {
    return revoked.containsKey(jti);
  }

  /** How many revoked tokens are held. */
  int size() {
    return revoked.size();
  }

  /** How many polls were attempted. */
  long polls() {
    return polls.sum();
  }

  /** One poll: adds what the feed reports and drops what has expired; never throws. */
  void poll() {
    synchronized (polling) {
      pollHoldingLock();
    }
  }

  private void pollHoldingLock() {
    polls.increment();
    try {
      JsonNode answer = fetch();
      JsonNode revision = answer.path("revision");
      JsonNode entries = answer.path("revoked");
      if (!revision.isValueNode() || revision.isNull() || !entries.isArray()) {
        throw new IOException("the answer has no revision or no revoked array");
      }
      for (JsonNode entry : entries) {
        JsonNode jti = entry.path("jti");
        JsonNode exp = entry.path("exp");
        if (jti.isTextual() && !jti.asText().isEmpty() && exp.canConvertToLong()) {
          revoked.put(jti.asText(), exp.asLong());
        }
      }
      since = revision.asText();
      if (failing) {
        failing = false;
        LOG.info("revocation feed {} answers again ({} revoked tokens held)", feed, size());
      }
    } catch (IOException | RuntimeException e) {
      failed(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed("interrupted");
    }
    long now = clock.millis();
    revoked.values().removeIf(exp -> exp * 1000 + leewayMillis < now);
  }

  private JsonNode fetch() throws IOException, InterruptedException {
    URI uri = feed;
    if (since != null) {
      String query = "since=" + URLEncoder.encode(since, StandardCharsets.UTF_8);
      uri = URI.create(feed + (feed.getRawQuery() == null ? "?" : "&") + query);
    }
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("HTTP status " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  private void failed(String why) {
    if (!failing) {
      failing = true;
      LOG.warn(
          "cannot poll the revocation feed {} ({}); keeping the {} revoked tokens held",
          feed,
          why,
          size());
    }
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }
}
