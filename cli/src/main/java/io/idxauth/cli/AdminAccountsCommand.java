package io.idxauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code idx-auth admin accounts}: service accounts, the OAuth clients. */
@Command(name = "accounts", description = "Service accounts: the OAuth clients.")
final class AdminAccountsCommand implements Callable<Integer> {

  static final List<AdminOutput.Column> COLUMNS =
      List.of(
          AdminOutput.Column.of("CLIENT ID", "clientId"),
          AdminOutput.Column.of("PARTICIPANT", "participant"),
          AdminOutput.Column.of("ENABLED", "enabled"),
          AdminOutput.Column.of("ROLES", "roles"),
          new AdminOutput.Column(
              "LIFETIME",
              a ->
                  a.path("tokenLifetimeSeconds").isNumber()
                      ? a.path("tokenLifetimeSeconds").asLong() + "s"
                      : "default"),
          AdminOutput.Column.of("LOCKED UNTIL", "lockedUntil"));

  @ParentCommand AdminCommand admin;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw AdminCommand.missingAction(spec);
  }

  @Command(
      name = "list",
      description = "List accounts by client ID, a page at a time (a participant admin: its own).")
  int list(
      @Option(names = "--participant", paramLabel = "ID") String participant,
      @Option(names = "--limit", paramLabel = "N", description = "Page size, 1..500 (100).")
          Integer limit,
      @Option(names = "--cursor", paramLabel = "C", description = "The page after a listing.")
          String cursor,
      @Option(names = "--all", description = "Follow nextCursor to the last page.") boolean all) {
    return admin.run(
        (api, out) -> {
          ArrayNode items = admin.mapper.createArrayNode();
          String next = cursor;
          while (true) {
            JsonNode page =
                api.get(
                    "/accounts"
                        + AdminClient.query(
                            "participant", participant, "limit", limit, "cursor", next));
            String after = page.path("nextCursor").asText(null);
            if (!all) {
              out.list(page, COLUMNS);
              if (after != null && !out.json()) {
                out.note("more: --cursor " + after + " (or --all)");
              }
              return;
            }
            page.path("items").forEach(items::add);
            if (after == null || after.equals(next)) {
              break;
            }
            next = after;
          }
          ObjectNode whole = admin.object();
          whole.set("items", items);
          whole.putNull("nextCursor");
          out.list(whole, COLUMNS);
        });
  }

  @Command(name = "get", description = "Show an account.")
  int get(@Parameters(paramLabel = "ID") String clientId) {
    return admin.run((api, out) -> out.object(api.get(path(clientId))));
  }

  @Command(
      name = "create",
      description = "Create an account; prints its generated secret, shown only this once.")
  int create(
      @Parameters(paramLabel = "ID", description = "The client_id.") String clientId,
      @Option(
              names = "--participant",
              paramLabel = "ID",
              description = "Owning participant (a participant admin's own by default).")
          String participant,
      @Option(names = "--disabled", description = "Create it disabled.") boolean disabled,
      @Option(
              names = "--role",
              paramLabel = "ROLE",
              description = "operator-admin or participant-admin (operator admins); repeatable.")
          List<String> roles,
      @Option(
              names = "--token-lifetime",
              paramLabel = "SECONDS",
              description = "Lifetime of its tokens, 60..86400 (default: the service's).")
          Integer lifetime,
      @Option(
              names = "--secret-only",
              description = "Print only the secret and a newline, for scripts (wins over --json).")
          boolean secretOnly) {
    ObjectNode body = admin.object().put("clientId", clientId);
    if (participant != null) {
      body.put("participant", participant);
    }
    if (disabled) {
      body.put("enabled", false);
    }
    if (roles != null) {
      roles.forEach(body.putArray("roles")::add);
    }
    if (lifetime != null) {
      body.put("tokenLifetimeSeconds", lifetime);
    }
    return admin.run(
        (api, out) -> {
          JsonNode created = api.send("POST", "/accounts", body);
          if (secretOnly) {
            out.line(created.path("secret").path("secret").asText());
          } else if (out.json()) {
            out.printJson(created);
          } else {
            out.fields(created.path("account"));
            AdminSecretsCommand.printNewSecret(out, created.path("secret"));
          }
        });
  }

  @Command(name = "update", description = "Change an account; only what is given changes.")
  int update(
      @Parameters(paramLabel = "ID") String clientId,
      @Option(names = "--enabled", arity = "1", paramLabel = "true|false") Boolean enabled,
      @Option(
              names = "--role",
              paramLabel = "ROLE",
              description = "Replaces its roles (operator admins); repeatable.")
          List<String> roles,
      @Option(names = "--no-roles", description = "Take all its roles away.") boolean noRoles,
      @Option(
              names = "--token-lifetime",
              paramLabel = "SECONDS|default",
              description = "Lifetime of its tokens, 60..86400, or default (the service's).")
          String lifetime,
      @Option(names = "--unlock", description = "End a lockout after failed attempts.")
          boolean unlock) {
    if (roles != null && noRoles) {
      throw usage("--role and --no-roles exclude each other");
    }
    ObjectNode body = admin.object();
    if (enabled != null) {
      body.put("enabled", enabled);
    }
    if (roles != null || noRoles) {
      ArrayNode list = body.putArray("roles");
      Objects.requireNonNullElse(roles, List.<String>of()).forEach(list::add);
    }
    if (lifetime != null) {
      if (lifetime.equals("default")) {
        body.putNull("tokenLifetimeSeconds");
      } else {
        try {
          body.put("tokenLifetimeSeconds", Long.parseLong(lifetime));
        } catch (NumberFormatException e) {
          throw usage("--token-lifetime: '" + lifetime + "' is neither seconds nor default");
        }
      }
    }
    if (unlock) {
      body.put("unlock", true);
    }
    if (body.isEmpty()) {
      throw usage(
          "nothing to change: give --enabled, --role, --no-roles, --token-lifetime or --unlock");
    }
    return admin.run((api, out) -> out.object(api.send("PATCH", path(clientId), body)));
  }

  @Command(name = "delete", description = "Delete an account; its tokens stop being issued.")
  int delete(@Parameters(paramLabel = "ID") String clientId) {
    return admin.run(
        (api, out) -> {
          api.send("DELETE", path(clientId), null);
          out.line("deleted account " + clientId);
        });
  }

  static String path(String clientId) {
    return "/accounts/" + AdminClient.segment(clientId);
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.subcommands().get("update"), message);
  }
}
