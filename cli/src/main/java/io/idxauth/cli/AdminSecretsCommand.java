package io.idxauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code idx-auth admin secrets}: an account's client secrets. Only their metadata can be read
 * back; a secret's value is printed once, when the service generates it.
 */
@Command(
    name = "secrets",
    description = "An account's client secrets: rotate (add, then revoke the old) and list.")
final class AdminSecretsCommand implements Callable<Integer> {

  static final List<AdminOutput.Column> COLUMNS =
      List.of(
          AdminOutput.Column.of("ID", "id"),
          AdminOutput.Column.of("CREATED", "created"),
          AdminOutput.Column.of("EXPIRES", "expires"),
          AdminOutput.Column.of("LAST USED", "lastUsed"));

  @ParentCommand AdminCommand admin;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw AdminCommand.missingAction(spec);
  }

  @Command(name = "list", description = "List an account's secrets, newest first (no values).")
  int list(@Parameters(paramLabel = "ID", description = "The client_id.") String clientId) {
    return admin.run((api, out) -> out.list(api.get(path(clientId)), COLUMNS));
  }

  @Command(
      name = "add",
      description = {
        "Add a generated secret (rotation); prints it, shown only this once.",
        "The secrets held before keep working for the rotation grace (24 h by default)."
      })
  int add(
      @Parameters(paramLabel = "ID", description = "The client_id.") String clientId,
      @Option(
              names = "--secret-only",
              description = "Print only the secret and a newline, for scripts (wins over --json).")
          boolean secretOnly) {
    return admin.run(
        (api, out) -> {
          JsonNode created = api.send("POST", path(clientId), null);
          if (secretOnly) {
            out.line(created.path("secret").asText());
          } else if (out.json()) {
            out.printJson(created);
          } else {
            printNewSecret(out, created);
            out.line(
                "The secrets "
                    + clientId
                    + " held before keep working until the rotation grace ends: see `secrets"
                    + " list "
                    + clientId
                    + "`, and `secrets revoke` to end one now.");
          }
        });
  }

  @Command(name = "revoke", description = "Revoke a secret at once.")
  int revoke(
      @Parameters(index = "0", paramLabel = "ID", description = "The client_id.") String clientId,
      @Parameters(index = "1", paramLabel = "SECRET_ID") String secretId) {
    return admin.run(
        (api, out) -> {
          api.send("DELETE", path(clientId) + "/" + AdminClient.segment(secretId), null);
          out.line("revoked secret " + secretId + " of account " + clientId);
        });
  }

  private static String path(String clientId) {
    return AdminAccountsCommand.path(clientId) + "/secrets";
  }

  /** A generated secret, as {@code field: value} lines, with the warning that goes with it. */
  static void printNewSecret(AdminOutput out, JsonNode secret) {
    out.line("secret: " + secret.path("secret").asText());
    out.line("secretId: " + AdminOutput.cell(secret.get("id")));
    out.line("secretExpires: " + AdminOutput.cell(secret.get("expires")));
    out.line("The secret is shown only now: the service keeps only its hash. Store it safely.");
  }
}
