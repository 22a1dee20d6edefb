package io.idxauth.server;

import io.idxauth.core.Entity;
import io.idxauth.core.EntityKind;
import io.idxauth.core.Operation;
import io.idxauth.store.Views;
import io.javalin.http.Context;
import java.util.Set;

/** {@code /admin/v1/entities}: the business functions and IDX services tokens are scoped to. */
final class AdminEntities {

  private static final Set<String> FIELDS = Set.of("name", "kind", "description", "operations");
  private static final Set<String> UPDATE_FIELDS = Set.of("kind", "description", "operations");

  private final AdminApi api;

  AdminEntities(AdminApi api) {
    this.api = api;
  }

  void list(Context ctx) throws Exception {
    api.respond(
        ctx,
        200,
        AdminApi.items(api.store.entities().stream().map(e -> (Object) Views.entity(e)).toList()));
  }

  void get(Context ctx) throws Exception {
    String name = ctx.pathParam("name");
    Entity e = api.store.entity(name).orElseThrow(() -> AdminProblem.notFound("no entity " + name));
    api.respond(ctx, 200, Views.entity(e));
  }

  void create(Context ctx) throws Exception {
    AdminApi.administrator(ctx).requireOperator("create entities");
    JsonBody body = JsonBody.read(ctx, api.json, FIELDS);
    String name = body.string("name", true);
    EntityKind kind = kind(body, true);
    String description = body.has("description") ? body.string("description", false) : "";
    Set<Operation> operations = body.operations("operations", true);
    if (name != null && !Entity.isValidName(name)) {
      body.error("name: '" + name + "' must match " + Entity.namePattern());
    }
    body.check();
    Entity created =
        api.admin.createEntity(
            new Entity(name, kind, description, operations), AdminApi.actor(ctx));
    api.changed();
    ctx.header("Location", AdminApi.BASE + "/entities/" + name);
    api.respond(ctx, 201, Views.entity(created));
  }

  void update(Context ctx) throws Exception {
    String name = ctx.pathParam("name");
    AdminApi.administrator(ctx).requireOperator("change entities");
    JsonBody body = JsonBody.read(ctx, api.json, UPDATE_FIELDS);
    EntityKind kind = kind(body, false);
    String description = body.has("description") ? body.string("description", false) : null;
    Set<Operation> operations = body.operations("operations", false);
    body.check();
    Entity updated =
        api.admin.updateEntity(
            name,
            before ->
                new Entity(
                    name,
                    kind == null ? before.kind() : kind,
                    description == null ? before.description() : description,
                    operations == null ? before.operations() : operations),
            AdminApi.actor(ctx));
    api.changed();
    api.respond(ctx, 200, Views.entity(updated));
  }

  void delete(Context ctx) {
    String name = ctx.pathParam("name");
    AdminApi.administrator(ctx).requireOperator("delete entities");
    api.admin.deleteEntity(name, AdminApi.actor(ctx));
    api.changed();
    ctx.status(204);
  }

  private static EntityKind kind(JsonBody body, boolean required) {
    String name = body.string("kind", required);
    if (name == null) {
      return null;
    }
    EntityKind kind = EntityKind.fromWireName(name);
    if (kind == null) {
      body.error("kind: '" + name + "' is not business-function or idx-service");
    }
    return kind;
  }
}
