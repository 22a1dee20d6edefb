package io.idxauth.server;

import io.idxauth.core.Administrator;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Participant;
import io.idxauth.core.ParticipantRecord;
import io.idxauth.store.Views;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code /admin/v1/participants}: the market's participants and what each holds. */
final class AdminParticipants {

  private static final Set<String> FIELDS = Set.of("id", "name", "entitlements");
  private static final Set<String> UPDATE_FIELDS = Set.of("name", "entitlements");

  private final AdminApi api;

  AdminParticipants(AdminApi api) {
    this.api = api;
  }

  void list(Context ctx) throws Exception {
    Administrator admin = AdminApi.administrator(ctx);
    List<Object> items =
        api.admin.participants().stream()
            .filter(p -> admin.isOperator() || p.id().equals(admin.participantId()))
            .map(p -> (Object) Views.participant(p))
            .toList();
    api.respond(ctx, 200, AdminApi.items(items));
  }

  void get(Context ctx) throws Exception {
    String id = ctx.pathParam("id");
    AdminApi.administrator(ctx).requireParticipant(id, "read participant " + id);
    ParticipantRecord p =
        api.admin.participant(id).orElseThrow(() -> AdminProblem.notFound("no participant " + id));
    api.respond(ctx, 200, Views.participant(p));
  }

  void create(Context ctx) throws Exception {
    AdminApi.administrator(ctx).requireOperator("create participants");
    JsonBody body = JsonBody.read(ctx, api.json, FIELDS);
    String id = body.string("id", true);
    String name = body.string("name", true);
    if (id != null && !Participant.isValidId(id)) {
      body.error("id: '" + id + "' is not 1-10 of [A-Z0-9]");
    }
    List<String> errors = new ArrayList<>();
    List<Entitlement> holdings =
        body.has("entitlements")
            ? api.entitlements(body.node("entitlements"), "entitlements", errors, id)
            : List.of();
    errors.forEach(body::error);
    body.check();
    ParticipantRecord created =
        api.admin.createParticipant(
            new ParticipantRecord(new Participant(id, name), holdings), AdminApi.actor(ctx));
    api.changed();
    ctx.header("Location", AdminApi.BASE + "/participants/" + id);
    api.respond(ctx, 201, Views.participant(created));
  }

  void update(Context ctx) throws Exception {
    String id = ctx.pathParam("id");
    AdminApi.administrator(ctx).requireOperator("change participants");
    JsonBody body = JsonBody.read(ctx, api.json, UPDATE_FIELDS);
    String name = body.string("name", false);
    List<String> errors = new ArrayList<>();
    List<Entitlement> holdings =
        body.has("entitlements")
            ? api.entitlements(body.node("entitlements"), "entitlements", errors, null)
            : null;
    errors.forEach(body::error);
    body.check();
    ParticipantRecord updated =
        api.admin.updateParticipant(id, name, holdings, AdminApi.actor(ctx));
    api.changed();
    api.respond(ctx, 200, Views.participant(updated));
  }

  void delete(Context ctx) {
    String id = ctx.pathParam("id");
    AdminApi.administrator(ctx).requireOperator("delete participants");
    api.admin.deleteParticipant(id, AdminApi.actor(ctx));
    api.changed();
    ctx.status(204);
  }
}
