package io.idxauth.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code idx-auth admin entitlements}: what an account may do, entity by entity. */
@Command(
    name = "entitlements",
    description = "An account's entitlements: per entity, the participants and operations.")
final class AdminEntitlementsCommand implements Callable<Integer> {

  static final List<AdminOutput.Column> COLUMNS =
      List.of(
          AdminOutput.Column.of("ENTITY", "entity"),
          AdminOutput.Column.of("PARTICIPANTS", "participants"),
          AdminOutput.Column.of("OPERATIONS", "operations"));

  @ParentCommand AdminCommand admin;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw AdminCommand.missingAction(spec);
  }

  @Command(name = "list", description = "List an account's entitlements.")
  int list(@Parameters(paramLabel = "ID", description = "The client_id.") String clientId) {
    return admin.run((api, out) -> out.list(api.get(path(clientId)), COLUMNS));
  }

  @Command(
      name = "grant",
      description = "Grant an account an entity, replacing what it held of that entity.")
  int grant(
      @Parameters(index = "0", paramLabel = "ID", description = "The client_id.") String clientId,
      @Parameters(index = "1", paramLabel = "ENTITY") String entity,
      @Option(
              names = "--participants",
              required = true,
              split = ",",
              paramLabel = "P",
              description = "Participant IDs it may act for.")
          List<String> participants,
      @Option(
              names = "--operations",
              required = true,
              split = ",",
              paramLabel = "OP",
              description = "create, read, update, delete, execute.")
          List<String> operations) {
    ObjectNode body = admin.object();
    participants.forEach(body.putArray("participants")::add);
    operations.forEach(body.putArray("operations")::add);
    return admin.run(
        (api, out) ->
            out.object(api.send("PUT", path(clientId) + "/" + AdminClient.segment(entity), body)));
  }

  @Command(name = "revoke", description = "Take an entity away from an account.")
  int revoke(
      @Parameters(index = "0", paramLabel = "ID", description = "The client_id.") String clientId,
      @Parameters(index = "1", paramLabel = "ENTITY") String entity) {
    return admin.run(
        (api, out) -> {
          api.send("DELETE", path(clientId) + "/" + AdminClient.segment(entity), null);
          out.line("revoked entitlement " + entity + " of account " + clientId);
        });
  }

  private static String path(String clientId) {
    return AdminAccountsCommand.path(clientId) + "/entitlements";
  }
}
