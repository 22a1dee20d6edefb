package io.idxauth.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code idx-auth admin participants}: the market's participants and what each holds. */
@Command(
    name = "participants",
    description = "Participants, and the entitlements each holds (the ceiling of its admins).")
final class AdminParticipantsCommand implements Callable<Integer> {

  private static final String ENTITLEMENT_LABEL = "ENTITY:P1,P2:OP1,OP2";

  static final List<AdminOutput.Column> COLUMNS =
      List.of(
          AdminOutput.Column.of("ID", "id"),
          AdminOutput.Column.of("NAME", "name"),
          AdminOutput.Column.of("ENTITLEMENTS", "entitlements"));

  @ParentCommand AdminCommand admin;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw AdminCommand.missingAction(spec);
  }

  @Command(name = "list", description = "List the participants.")
  int list() {
    return admin.run((api, out) -> out.list(api.get("/participants"), COLUMNS));
  }

  @Command(name = "get", description = "Show a participant.")
  int get(@Parameters(paramLabel = "ID") String id) {
    return admin.run((api, out) -> out.object(api.get(path(id))));
  }

  @Command(name = "create", description = "Create a participant (operator admins).")
  int create(
      @Parameters(paramLabel = "ID", description = "1-10 of [A-Z0-9].") String id,
      @Option(names = "--name", required = true, paramLabel = "NAME") String name,
      @Option(
              names = "--entitlement",
              paramLabel = ENTITLEMENT_LABEL,
              converter = Holding.Converter.class,
              description = "What the participant holds; repeat for each entity.")
          List<Holding> entitlements) {
    ObjectNode body = admin.object().put("id", id).put("name", name);
    if (entitlements != null) {
      body.set("entitlements", holdings(entitlements));
    }
    return admin.run((api, out) -> out.object(api.send("POST", "/participants", body)));
  }

  @Command(
      name = "update",
      description = "Change a participant's name or entitlements (operator admins).")
  int update(
      @Parameters(paramLabel = "ID") String id,
      @Option(names = "--name", paramLabel = "NAME") String name,
      @Option(
              names = "--entitlement",
              paramLabel = ENTITLEMENT_LABEL,
              converter = Holding.Converter.class,
              description = "Replaces all the participant holds; repeat for each entity.")
          List<Holding> entitlements,
      @Option(names = "--no-entitlements", description = "The participant holds nothing.")
          boolean none) {
    if (entitlements != null && none) {
      throw usage("update", "--entitlement and --no-entitlements exclude each other");
    }
    ObjectNode body = admin.object();
    if (name != null) {
      body.put("name", name);
    }
    if (entitlements != null || none) {
      body.set("entitlements", holdings(none ? List.of() : entitlements));
    }
    if (body.isEmpty()) {
      throw usage("update", "nothing to change: give --name, --entitlement or --no-entitlements");
    }
    return admin.run((api, out) -> out.object(api.send("PATCH", path(id), body)));
  }

  @Command(
      name = "delete",
      description = "Delete a participant no account or entitlement refers to (operator admins).")
  int delete(@Parameters(paramLabel = "ID") String id) {
    return admin.run(
        (api, out) -> {
          api.send("DELETE", path(id), null);
          out.line("deleted participant " + id);
        });
  }

  private static String path(String id) {
    return "/participants/" + AdminClient.segment(id);
  }

  private ArrayNode holdings(List<Holding> entitlements) {
    ArrayNode list = admin.mapper.createArrayNode();
    for (Holding h : entitlements) {
      ObjectNode item = list.addObject().put("entity", h.entity());
      h.participants().forEach(item.putArray("participants")::add);
      h.operations().forEach(item.putArray("operations")::add);
    }
    return list;
  }

  private ParameterException usage(String action, String message) {
    return new ParameterException(spec.subcommands().get(action), message);
  }

  /** An entitlement given as {@code ENTITY:P1,P2:OP1,OP2}, as the tables show it. */
  record Holding(String entity, List<String> participants, List<String> operations) {

    static final class Converter implements ITypeConverter<Holding> {
      @Override
      public Holding convert(String value) {
        String[] parts = value.split(":", -1);
        if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank() || parts[2].isBlank()) {
          throw new TypeConversionException(
              "'" + value + "' is not " + ENTITLEMENT_LABEL + ", e.g. pqd:RETAILER01:read,create");
        }
        return new Holding(parts[0].strip(), list(parts[1]), list(parts[2]));
      }

      private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
      }
    }
  }
}
