package io.idxauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code idx-auth admin keys}: the token signing keys (operator admins). */
@Command(name = "keys", description = "The token signing keys (operator admins).")
final class AdminKeysCommand implements Callable<Integer> {

  static final List<AdminOutput.Column> COLUMNS =
      List.of(
          AdminOutput.Column.of("KID", "kid"),
          AdminOutput.Column.of("STATE", "state"),
          AdminOutput.Column.of("ACTIVATES", "activates"),
          AdminOutput.Column.of("RETIRES", "retires"),
          AdminOutput.Column.of("PUBLISHED UNTIL", "publishedUntil"));

  @ParentCommand AdminCommand admin;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw AdminCommand.missingAction(spec);
  }

  @Command(name = "list", description = "List the signing keys.")
  int list() {
    return admin.run((api, out) -> out.list(api.get("/keys"), COLUMNS));
  }

  @Command(
      name = "rotate",
      description =
          "Create a new signing key: published in the JWKS at once, signing once it activates.")
  int rotate() {
    return admin.run(
        (api, out) -> {
          JsonNode key = api.send("POST", "/keys/rotate", null);
          if (!out.json()) {
            out.line(
                "rotated: new key "
                    + key.path("kid").asText()
                    + " is published now and signs from "
                    + key.path("activates").asText());
          }
          out.object(key);
        });
  }
}
