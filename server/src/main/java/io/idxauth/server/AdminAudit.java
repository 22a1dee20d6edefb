package io.idxauth.server;

import io.idxauth.core.Administrator;
import io.idxauth.core.AuditEvent;
import io.idxauth.core.Role;
import io.idxauth.store.AuditLog;
import io.idxauth.store.Views;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /admin/v1/audit}: the trail of issuances, refusals and changes, newest first. A
 * participant admin sees only its own participant's events.
 */
final class AdminAudit {

  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private final AdminApi api;
  private final AuditLog audit;

  AdminAudit(AdminApi api, AuditLog audit) {
    this.api = api;
    this.audit = audit;
  }

  void query(Context ctx) throws Exception {
    Administrator admin = AdminApi.administrator(ctx);
    String participant = ctx.queryParam("participant");
    if (!admin.isOperator()) {
      if (participant == null) {
        participant = admin.participantId();
      }
      admin.requireParticipant(participant, "read the audit trail of participant " + participant);
    }
    List<String> errors = new ArrayList<>();
    Instant from = time(ctx, "from", errors);
    Instant to = time(ctx, "to", errors);
    Long before = null;
    String cursor = ctx.queryParam("cursor");
    if (cursor != null) {
      try {
        before = Long.parseLong(cursor);
      } catch (NumberFormatException e) {
        errors.add("cursor: not a cursor this API gave out");
      }
    }
    if (!errors.isEmpty()) {
      throw AdminProblem.badRequest(errors);
    }
    AuditLog.Page page =
        audit.query(
            new AuditLog.Query(
                ctx.queryParam("account"),
                participant,
                ctx.queryParam("kind"),
                from,
                to,
                AdminApi.limit(ctx),
                before));
    List<Object> items = new ArrayList<>();
    for (AuditEvent e : page.items()) {
      // A participant admin does not see the trail of an operator admin account of its participant.
      if (admin.isOperator() || !isOperatorAccount(e.clientId())) {
        items.add(view(e));
      }
    }
    api.respond(ctx, 200, AdminApi.page(items, page.nextCursor()));
  }

  private boolean isOperatorAccount(String clientId) {
    return clientId != null
        && api.admin
            .account(clientId)
            .map(a -> a.account().roles().contains(Role.OPERATOR_ADMIN))
            .orElse(false);
  }

  private static Instant time(Context ctx, String name, List<String> errors) {
    String raw = ctx.queryParam(name);
    if (raw == null) {
      return null;
    }
    try {
      Instant at = Instant.parse(raw);
      if (at.isBefore(Instant.EPOCH) || at.isAfter(LATEST)) {
        errors.add(name + ": '" + raw + "' is outside 1970..9999");
        return null;
      }
      return at;
    } catch (DateTimeParseException e) {
      errors.add(name + ": '" + raw + "' is not an RFC 3339 UTC time like 2026-11-30T10:00:00Z");
      return null;
    }
  }

  private static Map<String, Object> view(AuditEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("at", Views.time(e.at()));
    m.put("kind", e.kind());
    m.put("actor", e.actor());
    m.put("clientId", e.clientId());
    m.put("participantId", e.participantId());
    m.put("source", e.source());
    m.put("detail", e.detail());
    return m;
  }
}
