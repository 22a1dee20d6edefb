package io.idxauth.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (it can issue tokens).
 *
 * <p>Ready means a load balancer may send token requests here: a signing key is loaded and the
 * store answers, or has been unreachable for no longer than the outage grace, during which accounts
 * in memory are still served. The body says which, so that an operator sees an outage coming before
 * the instance leaves the pool.
 */
final class HealthEndpoint {

  /** What readiness is made of. */
  record State(
      boolean keyLoaded, boolean serving, Instant storeUnreachableSince, Instant graceEnds) {}

  private final Supplier<State> state;
  private final ObjectMapper json;

  HealthEndpoint(Supplier<State> state, ObjectMapper json) {
    this.state = state;
    this.json = json;
  }

  void live(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("application/json").result("{\"status\":\"UP\"}");
  }

  void ready(Context ctx) throws Exception {
    State s = state.get();
    boolean up = s.keyLoaded() && s.serving();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    if (s.storeUnreachableSince() == null) {
      body.put("store", "reachable");
    } else {
      body.put("store", "unreachable");
      body.put("storeUnreachableSince", s.storeUnreachableSince().toString());
      body.put(
          s.serving() ? "servingFromMemoryUntil" : "servedFromMemoryUntil",
          s.graceEnds().toString());
    }
    if (!s.keyLoaded()) {
      body.put("signingKey", "none");
    }
    ctx.header("Cache-Control", "no-store");
    ctx.status(up ? 200 : 503)
        .contentType("application/json")
        .result(json.writeValueAsString(body));
  }
}
