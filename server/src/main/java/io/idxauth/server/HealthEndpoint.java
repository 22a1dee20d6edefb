package io.idxauth.server;

import io.javalin.http.Context;
import java.util.function.BooleanSupplier;

/** {@code /health/live} (the process answers) and {@code /health/ready} (it can issue tokens). */
final class HealthEndpoint {

  private final BooleanSupplier ready;

  HealthEndpoint(BooleanSupplier ready) {
    this.ready = ready;
  }

  void live(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("application/json").result("{\"status\":\"UP\"}");
  }

  void ready(Context ctx) {
    boolean up = ready.getAsBoolean();
    ctx.header("Cache-Control", "no-store");
    ctx.status(up ? 200 : 503)
        .contentType("application/json")
        .result(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
  }
}
