package io.idxauth.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.idxauth.core.Administrator;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.Operation;
import io.idxauth.core.Role;
import io.idxauth.store.AdminStore;
import io.idxauth.store.CachedDirectory;
import io.idxauth.store.JdbcStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The admin API under {@code /admin/v1}: routing, authentication and what every resource shares
 * (JSON out, paging, entitlement checks). The resources live in their own classes.
 */
final class AdminApi {

  static final String BASE = "/admin/v1";
  private static final String ADMIN = "idx-admin.administrator";

  private final AdminAuthenticator authenticator;
  final ObjectMapper json;
  final AdminStore admin;
  final JdbcStore store;
  final CachedDirectory directory;

  AdminApi(
      AdminAuthenticator authenticator,
      ObjectMapper json,
      AdminStore admin,
      JdbcStore store,
      CachedDirectory directory) {
    this.authenticator = authenticator;
    this.json = json;
    this.admin = admin;
    this.store = store;
    this.directory = directory;
  }

  /** Registers the routes of every resource, behind bearer authentication. */
  void register(
      RoutesConfig routes,
      byte[] openApi,
      AdminParticipants participants,
      AdminEntities entities,
      AdminAccounts accounts,
      AdminKeys keys,
      AdminAudit audit) {
    routes.before(
        BASE + "/*",
        ctx -> {
          ErrorRenderer.noStore(ctx);
          if (!ctx.path().equals(BASE + "/openapi.yaml")) {
            ctx.attribute(ADMIN, authenticator.authenticate(ctx.header("Authorization")));
          }
        });
    routes.get(BASE + "/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));

    routes.get(BASE + "/participants", participants::list);
    routes.post(BASE + "/participants", participants::create);
    routes.get(BASE + "/participants/{id}", participants::get);
    routes.patch(BASE + "/participants/{id}", participants::update);
    routes.delete(BASE + "/participants/{id}", participants::delete);

    routes.get(BASE + "/entities", entities::list);
    routes.post(BASE + "/entities", entities::create);
    routes.get(BASE + "/entities/{name}", entities::get);
    routes.patch(BASE + "/entities/{name}", entities::update);
    routes.delete(BASE + "/entities/{name}", entities::delete);

    routes.get(BASE + "/accounts", accounts::list);
    routes.post(BASE + "/accounts", accounts::create);
    routes.get(BASE + "/accounts/{clientId}", accounts::get);
    routes.patch(BASE + "/accounts/{clientId}", accounts::update);
    routes.delete(BASE + "/accounts/{clientId}", accounts::delete);
    routes.get(BASE + "/accounts/{clientId}/secrets", accounts::listSecrets);
    routes.post(BASE + "/accounts/{clientId}/secrets", accounts::addSecret);
    routes.delete(BASE + "/accounts/{clientId}/secrets/{secretId}", accounts::revokeSecret);
    routes.get(BASE + "/accounts/{clientId}/entitlements", accounts::listEntitlements);
    routes.put(BASE + "/accounts/{clientId}/entitlements/{entity}", accounts::putEntitlement);
    routes.delete(BASE + "/accounts/{clientId}/entitlements/{entity}", accounts::deleteEntitlement);

    routes.get(BASE + "/keys", keys::list);
    routes.post(BASE + "/keys/rotate", keys::rotate);

    routes.get(BASE + "/audit", audit::query);
  }

  /** The administrator the before-handler authenticated. */
  static Administrator administrator(Context ctx) {
    return ctx.attribute(ADMIN);
  }

  /** Who changed something, for the audit trail. */
  static AdminStore.Actor actor(Context ctx) {
    return new AdminStore.Actor(administrator(ctx).clientId(), ClientAddress.of(ctx));
  }

  void respond(Context ctx, int status, Object body) throws Exception {
    ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
  }

  static Map<String, Object> items(List<?> items) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("items", items);
    return m;
  }

  static Map<String, Object> page(List<?> items, String nextCursor) {
    Map<String, Object> m = items(items);
    m.put("nextCursor", nextCursor);
    return m;
  }

  /** The {@code limit} query parameter: 1 to 500, 100 when absent. */
  static int limit(Context ctx) {
    String raw = ctx.queryParam("limit");
    if (raw == null) {
      return 100;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= 500) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw AdminProblem.badRequest(List.of("limit: '" + raw + "' is not a whole number 1..500"));
  }

  /** Makes this instance's token path see a change now instead of at the next poll. */
  void changed() {
    directory.poll();
  }

  /**
   * Reads an entitlement (of an account, or a participant's holding) for {@code entityName} from
   * {@code body}, checking that the entity exists and offers the operations, and that the
   * participants exist.
   */
  Entitlement entitlement(String entityName, JsonNode node, String path, List<String> errors) {
    return entitlement(entityName, node, path, errors, null);
  }

  /** As above; {@code newParticipant}, being created with it, counts as known. */
  private Entitlement entitlement(
      String entityName, JsonNode node, String path, List<String> errors, String newParticipant) {
    int start = errors.size();
    Entity entity = store.entity(entityName).orElse(null);
    if (entity == null) {
      errors.add(path + ".entity: unknown entity '" + entityName + "'");
      return null;
    }
    if (entityName.equals(Role.ADMIN_ENTITY)) {
      errors.add(
          path
              + ".entity: idx-admin is granted by the roles operator-admin and participant-admin,"
              + " not by an entitlement");
      return null;
    }
    Set<String> participants = new LinkedHashSet<>();
    JsonNode ids = node == null ? null : node.get("participants");
    if (ids == null || !ids.isArray() || ids.isEmpty()) {
      errors.add(path + ".participants: expected a non-empty list of participant IDs");
    } else {
      for (JsonNode id : ids) {
        if (!id.isTextual()
            || !(id.textValue().equals(newParticipant)
                || store.participant(id.textValue()).isPresent())) {
          errors.add(path + ".participants: unknown participant '" + id.asText() + "'");
        } else {
          participants.add(id.textValue());
        }
      }
    }
    Set<Operation> operations = EnumSet.noneOf(Operation.class);
    JsonNode ops = node == null ? null : node.get("operations");
    if (ops == null || !ops.isArray() || ops.isEmpty()) {
      errors.add(path + ".operations: expected a non-empty list of operations");
    } else {
      for (JsonNode op : ops) {
        Operation o = op.isTextual() ? Operation.fromWireName(op.textValue()) : null;
        if (o == null) {
          errors.add(
              path
                  + ".operations: '"
                  + op.asText()
                  + "' is not one of create, read, update, delete, execute");
        } else if (!entity.operations().contains(o)) {
          errors.add(
              path + ".operations: entity '" + entityName + "' does not offer " + o.wireName());
        } else {
          operations.add(o);
        }
      }
    }
    return errors.size() == start && !participants.isEmpty() && !operations.isEmpty()
        ? new Entitlement(entityName, participants, operations)
        : null;
  }

  /**
   * A list of entitlements, as participants' holdings are given; {@code newParticipant} is the
   * participant being created with them, if any.
   */
  List<Entitlement> entitlements(
      JsonNode list, String path, List<String> errors, String newParticipant) {
    List<Entitlement> out = new ArrayList<>();
    if (!list.isArray()) {
      errors.add(path + ": expected a list");
      return out;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      String itemPath = path + "[" + i + "]";
      JsonNode entity = item.get("entity");
      if (entity == null || !entity.isTextual()) {
        errors.add(itemPath + ".entity: required");
        continue;
      }
      if (!seen.add(entity.textValue())) {
        errors.add(itemPath + ".entity: '" + entity.textValue() + "' is listed twice");
        continue;
      }
      Optional.ofNullable(entitlement(entity.textValue(), item, itemPath, errors, newParticipant))
          .ifPresent(out::add);
    }
    return out;
  }
}
