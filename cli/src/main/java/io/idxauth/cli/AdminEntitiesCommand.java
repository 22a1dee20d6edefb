package io.idxauth.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code idx-auth admin entities}: business functions and IDX services, the scope's names. */
@Command(
    name = "entities",
    description = "Entities: business functions and IDX services, the names a scope asks for.")
final class AdminEntitiesCommand implements Callable<Integer> {

  static final List<AdminOutput.Column> COLUMNS =
      List.of(
          AdminOutput.Column.of("NAME", "name"),
          AdminOutput.Column.of("KIND", "kind"),
          AdminOutput.Column.of("OPERATIONS", "operations"),
          AdminOutput.Column.of("DESCRIPTION", "description"));

  @ParentCommand AdminCommand admin;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw AdminCommand.missingAction(spec);
  }

  @Command(name = "list", description = "List the entities.")
  int list() {
    return admin.run((api, out) -> out.list(api.get("/entities"), COLUMNS));
  }

  @Command(name = "get", description = "Show an entity.")
  int get(@Parameters(paramLabel = "NAME") String name) {
    return admin.run((api, out) -> out.object(api.get(path(name))));
  }

  @Command(name = "create", description = "Create an entity (operator admins).")
  int create(
      @Parameters(paramLabel = "NAME") String name,
      @Option(
              names = "--kind",
              required = true,
              paramLabel = "KIND",
              description = "business-function or idx-service.")
          String kind,
      @Option(
              names = "--operations",
              required = true,
              split = ",",
              paramLabel = "OP",
              description = "Offered operations: create, read, update, delete, execute.")
          List<String> operations,
      @Option(names = "--description", paramLabel = "TEXT") String description) {
    ObjectNode body = admin.object().put("name", name).put("kind", kind);
    if (description != null) {
      body.put("description", description);
    }
    operations.forEach(body.putArray("operations")::add);
    return admin.run((api, out) -> out.object(api.send("POST", "/entities", body)));
  }

  @Command(name = "update", description = "Change an entity (operator admins).")
  int update(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--kind", paramLabel = "KIND") String kind,
      @Option(names = "--operations", split = ",", paramLabel = "OP") List<String> operations,
      @Option(names = "--description", paramLabel = "TEXT") String description) {
    ObjectNode body = admin.object();
    if (kind != null) {
      body.put("kind", kind);
    }
    if (operations != null) {
      operations.forEach(body.putArray("operations")::add);
    }
    if (description != null) {
      body.put("description", description);
    }
    if (body.isEmpty()) {
      throw new ParameterException(
          spec.subcommands().get("update"),
          "nothing to change: give --kind, --operations or --description");
    }
    return admin.run((api, out) -> out.object(api.send("PATCH", path(name), body)));
  }

  @Command(
      name = "delete",
      description = "Delete an entity no entitlement refers to (operator admins).")
  int delete(@Parameters(paramLabel = "NAME") String name) {
    return admin.run(
        (api, out) -> {
          api.send("DELETE", path(name), null);
          out.line("deleted entity " + name);
        });
  }

  private static String path(String name) {
    return "/entities/" + AdminClient.segment(name);
  }
}
