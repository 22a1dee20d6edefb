package io.idxauth.server;

import io.idxauth.core.AuditEvent;
import io.idxauth.core.KeyRing;
import io.idxauth.store.AdminStore;
import io.idxauth.store.Views;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /admin/v1/keys}: the signing keys, and rotation on demand. Operator admins only. */
final class AdminKeys {

  private final AdminApi api;
  private final KeyRing keys;
  private final Clock clock;

  AdminKeys(AdminApi api, KeyRing keys, Clock clock) {
    this.api = api;
    this.keys = keys;
    this.clock = clock;
  }

  void list(Context ctx) throws Exception {
    AdminApi.administrator(ctx).requireOperator("see the signing keys");
    List<Object> items = keys.keys().stream().map(k -> (Object) view(k)).toList();
    api.respond(ctx, 200, AdminApi.items(items));
  }

  void rotate(Context ctx) throws Exception {
    AdminApi.administrator(ctx).requireOperator("rotate the signing key");
    KeyRing.KeyInfo created;
    try {
      created = keys.rotate();
    } catch (KeyRing.RotationPending e) {
      throw AdminProblem.conflict(
          "key "
              + e.pending().kid()
              + " is already waiting to sign from "
              + e.pending().activates()
              + "; rotate again after that");
    }
    AdminStore.Actor actor = AdminApi.actor(ctx);
    api.admin.record(rotated(created, actor.clientId(), actor.source(), clock));
    api.changed();
    api.respond(ctx, 201, view(created));
  }

  /** The audit event of a rotation, on demand or scheduled. */
  static AuditEvent rotated(KeyRing.KeyInfo key, String actor, String source, Clock clock) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("before", null);
    detail.put("after", view(key));
    return new AuditEvent(0, clock.instant(), "key.rotated", actor, null, null, source, detail);
  }

  static Map<String, Object> view(KeyRing.KeyInfo k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kid", k.kid());
    m.put("state", k.state().wireName());
    m.put("created", Views.time(k.created()));
    m.put("activates", Views.time(k.activates()));
    m.put("retires", Views.time(k.retires()));
    m.put("publishedUntil", Views.time(k.publishedUntil()));
    return m;
  }
}
