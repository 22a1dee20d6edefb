package io.idxauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code idx-auth admin audit}: the trail of issuances, refusals and changes, newest first. */
@Command(
    name = "audit",
    description = "Query the audit trail, newest first (a participant admin: its own events).")
final class AdminAuditCommand implements Callable<Integer> {

  static final List<AdminOutput.Column> COLUMNS =
      List.of(
          AdminOutput.Column.of("ID", "id"),
          AdminOutput.Column.of("AT", "at"),
          AdminOutput.Column.of("KIND", "kind"),
          AdminOutput.Column.of("ACTOR", "actor"),
          AdminOutput.Column.of("CLIENT ID", "clientId"),
          AdminOutput.Column.of("PARTICIPANT", "participantId"),
          AdminOutput.Column.of("SOURCE", "source"),
          AdminOutput.Column.of("DETAIL", "detail"));

  @ParentCommand AdminCommand admin;

  @Option(names = "--account", paramLabel = "ID", description = "Events of this client_id.")
  String account;

  @Option(names = "--participant", paramLabel = "ID", description = "Events of this participant.")
  String participant;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      description = "e.g. token.issued, or a prefix ending in a dot: token.")
  String kind;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description = "RFC 3339, e.g. 2026-11-30T10:00:00Z")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "RFC 3339.")
  String to;

  @Option(names = "--limit", paramLabel = "N", description = "Events per page, 1..500 (100).")
  Integer limit;

  @Option(names = "--cursor", paramLabel = "C", description = "The page after a query.")
  String cursor;

  @Override
  public Integer call() {
    return admin.run(
        (api, out) -> {
          JsonNode page =
              api.get(
                  "/audit"
                      + AdminClient.query(
                          "account", account,
                          "participant", participant,
                          "kind", kind,
                          "from", from,
                          "to", to,
                          "limit", limit,
                          "cursor", cursor));
          out.list(page, COLUMNS);
          String next = page.path("nextCursor").asText(null);
          if (next != null && !out.json()) {
            out.note("more: --cursor " + next);
          }
        });
  }
}
