package io.idxauth.server;

import io.idxauth.core.AccountPolicy;
import io.idxauth.core.Administrator;
import io.idxauth.core.AuditEvent;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Lockouts;
import io.idxauth.core.Role;
import io.idxauth.core.SecretHashes;
import io.idxauth.core.ServiceAccount;
import io.idxauth.store.AdminStore;
import io.idxauth.store.Views;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /admin/v1/accounts}: service accounts, their secrets and their entitlements. A participant
 * admin reaches only its own participant's accounts and grants only what its participant holds.
 */
final class AdminAccounts {

  private static final Set<String> CREATE_FIELDS =
      Set.of("clientId", "participant", "enabled", "roles", "tokenLifetimeSeconds");
  private static final Set<String> UPDATE_FIELDS =
      Set.of("enabled", "roles", "tokenLifetimeSeconds", "unlock");
  private static final Set<String> ENTITLEMENT_FIELDS = Set.of("participants", "operations");

  private final AdminApi api;
  private final SecretHashes hashes;
  private final AccountPolicy policy;
  private final Lockouts lockouts;
  private final Duration maxTokenLifetime;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  AdminAccounts(
      AdminApi api,
      SecretHashes hashes,
      AccountPolicy policy,
      Lockouts lockouts,
      Duration maxTokenLifetime,
      Clock clock) {
    this.api = api;
    this.hashes = hashes;
    this.policy = policy;
    this.lockouts = lockouts;
    this.maxTokenLifetime = maxTokenLifetime;
    this.clock = clock;
  }

  // --- accounts ----------------------------------------------------------------------------------

  void list(Context ctx) throws Exception {
    Administrator admin = AdminApi.administrator(ctx);
    String participant = ctx.queryParam("participant");
    if (participant == null && !admin.isOperator()) {
      participant = admin.participantId();
    }
    if (participant != null) {
      admin.requireParticipant(participant, "list the accounts of participant " + participant);
    }
    AdminStore.AccountPage page =
        api.admin.accounts(participant, AdminApi.limit(ctx), ctx.queryParam("cursor"));
    List<Object> items = new ArrayList<>();
    for (AdminStore.AccountSummary a : page.items()) {
      // A participant admin cannot reach an operator admin account, so it does not see one either.
      if (admin.isOperator() || !a.account().roles().contains(Role.OPERATOR_ADMIN)) {
        items.add(view(a));
      }
    }
    api.respond(ctx, 200, AdminApi.page(items, page.nextCursor()));
  }

  void get(Context ctx) throws Exception {
    api.respond(ctx, 200, view(reachable(ctx, "read")));
  }

  void create(Context ctx) throws Exception {
    Administrator admin = AdminApi.administrator(ctx);
    JsonBody body = JsonBody.read(ctx, api.json, CREATE_FIELDS);
    String clientId = body.string("clientId", true);
    // A participant admin's accounts are its participant's; an operator says whose.
    String participant = body.string("participant", admin.isOperator());
    if (participant == null) {
      participant = admin.participantId();
    }
    Boolean enabled = body.bool("enabled");
    Set<Role> roles = body.roles("roles");
    Duration lifetime = lifetime(body);
    if (clientId != null && !ServiceAccount.isValidClientId(clientId)) {
      body.error("clientId: '" + clientId + "' must match " + ServiceAccount.clientIdPattern());
    }
    body.check();
    admin.requireParticipant(participant, "create accounts of participant " + participant);
    if (roles != null && !roles.isEmpty()) {
      admin.requireOperator("give an account a role");
    }
    if (api.store.participant(participant).isEmpty()) {
      throw AdminProblem.badRequest(
          List.of("participant: unknown participant '" + participant + "'"));
    }
    // Before the slow hash, so that a refused request costs nothing.
    if (api.admin.account(clientId).isPresent()) {
      throw AdminProblem.conflict("account " + clientId + " exists already");
    }
    ServiceAccount account =
        new ServiceAccount(
            clientId,
            participant,
            enabled == null || enabled,
            roles == null ? Set.of() : roles,
            lifetime);
    String secret = SecretHashes.generateSecret(random);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    AdminStore.SecretInfo info =
        api.admin.createAccount(account, hashes.hash(secret), now, AdminApi.actor(ctx));
    api.changed();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("account", Views.account(account, now, null));
    out.put("secret", newSecret(info, secret));
    ctx.header("Location", AdminApi.BASE + "/accounts/" + clientId);
    api.respond(ctx, 201, out);
  }

  void update(Context ctx) throws Exception {
    Administrator admin = AdminApi.administrator(ctx);
    AdminStore.AccountSummary held = reachable(ctx, "change");
    String clientId = held.account().clientId();
    JsonBody body = JsonBody.read(ctx, api.json, UPDATE_FIELDS);
    Boolean enabled = body.bool("enabled");
    Set<Role> roles = body.roles("roles");
    Duration lifetime = lifetime(body);
    boolean lifetimeGiven = body.has("tokenLifetimeSeconds");
    Boolean unlock = body.bool("unlock");
    body.check();
    ServiceAccount after = held.account();
    if (enabled != null || roles != null || lifetimeGiven) {
      after =
          api.admin.updateAccount(
              clientId,
              // Checked again inside the transaction, against the row the change applies to.
              a -> {
                if (roles != null && !roles.equals(a.roles())) {
                  admin.requireOperator("change an account's roles");
                }
                if (a.roles().contains(Role.OPERATOR_ADMIN)) {
                  admin.requireOperator("change the operator-admin account " + clientId);
                }
                return new ServiceAccount(
                    a.clientId(),
                    a.participantId(),
                    enabled == null ? a.enabled() : enabled,
                    roles == null ? a.roles() : roles,
                    lifetimeGiven ? lifetime : a.tokenLifetime());
              },
              AdminApi.actor(ctx));
      api.changed();
    }
    // After the change, so that a refused change unlocks nothing.
    if (Boolean.TRUE.equals(unlock)) {
      lockouts.unlock(clientId);
      api.admin.record(
          new AuditEvent(
              0,
              clock.instant(),
              "account.unlocked",
              admin.clientId(),
              clientId,
              held.account().participantId(),
              ClientAddress.of(ctx),
              Map.of()));
    }
    api.respond(ctx, 200, view(new AdminStore.AccountSummary(after, held.created())));
  }

  void delete(Context ctx) {
    AdminStore.AccountSummary held = reachable(ctx, "delete");
    api.admin.deleteAccount(held.account().clientId(), AdminApi.actor(ctx));
    api.changed();
    ctx.status(204);
  }

  // --- secrets -----------------------------------------------------------------------------------

  void listSecrets(Context ctx) throws Exception {
    AdminStore.AccountSummary held = reachable(ctx, "read the secrets of");
    List<Object> items = new ArrayList<>();
    for (AdminStore.SecretInfo s : api.admin.secrets(held.account().clientId())) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", s.id());
      m.put("created", Views.time(s.created()));
      m.put("expires", Views.time(s.expires()));
      m.put("lastUsed", Views.time(s.lastUsed()));
      items.add(m);
    }
    api.respond(ctx, 200, AdminApi.items(items));
  }

  /** Rotation: a new secret, while the ones held keep working for the grace period. */
  void addSecret(Context ctx) throws Exception {
    AdminStore.AccountSummary held = reachable(ctx, "rotate the secret of");
    // Before the slow hash, so that a refused request costs nothing; the store checks again.
    Instant checked = clock.instant();
    long live =
        api.admin.secrets(held.account().clientId()).stream()
            .filter(x -> x.expires() == null || checked.isBefore(x.expires()))
            .count();
    if (live >= AccountPolicy.MAX_SECRETS) {
      throw AdminProblem.conflict(
          "account "
              + held.account().clientId()
              + " holds "
              + live
              + " live secrets, the most it may: revoke one first");
    }
    String secret = SecretHashes.generateSecret(random);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    AdminStore.SecretInfo info =
        api.admin.addSecret(
            held.account().clientId(),
            hashes.hash(secret),
            now,
            now.plus(policy.rotationGrace()),
            AdminApi.actor(ctx));
    api.changed();
    api.respond(ctx, 201, newSecret(info, secret));
  }

  void revokeSecret(Context ctx) {
    AdminStore.AccountSummary held = reachable(ctx, "revoke a secret of");
    api.admin.revokeSecret(
        held.account().clientId(), ctx.pathParam("secretId"), AdminApi.actor(ctx));
    api.changed();
    ctx.status(204);
  }

  // --- entitlements ------------------------------------------------------------------------------

  void listEntitlements(Context ctx) throws Exception {
    AdminStore.AccountSummary held = reachable(ctx, "read the entitlements of");
    api.respond(
        ctx,
        200,
        AdminApi.items(
            api.admin.entitlements(held.account().clientId()).stream()
                .map(e -> (Object) Views.entitlement(e))
                .toList()));
  }

  void putEntitlement(Context ctx) throws Exception {
    Administrator admin = AdminApi.administrator(ctx);
    AdminStore.AccountSummary held = reachable(ctx, "grant entitlements to");
    String entity = ctx.pathParam("entity");
    JsonBody body = JsonBody.read(ctx, api.json, ENTITLEMENT_FIELDS);
    if (entity.equals(Role.ADMIN_ENTITY)) {
      throw AdminProblem.conflict(
          "idx-admin is granted by the roles operator-admin and participant-admin, not by an"
              + " entitlement");
    }
    if (api.store.entity(entity).isEmpty()) {
      throw AdminProblem.notFound("no entity " + entity);
    }
    List<String> errors = new ArrayList<>();
    Entitlement wanted = api.entitlement(entity, body.root(), "(body)", errors);
    errors.forEach(body::error);
    body.check();
    Optional<Entitlement> holding =
        admin.isOperator()
            ? Optional.empty()
            : api.admin.participant(admin.participantId()).stream()
                .flatMap(p -> p.holdings().stream())
                .filter(h -> h.entity().equals(entity))
                .findFirst();
    admin.requireWithinHoldings(wanted, holding);
    Entitlement granted =
        api.admin.putEntitlement(held.account().clientId(), wanted, AdminApi.actor(ctx));
    api.changed();
    api.respond(ctx, 200, Views.entitlement(granted));
  }

  void deleteEntitlement(Context ctx) {
    AdminStore.AccountSummary held = reachable(ctx, "revoke entitlements of");
    api.admin.deleteEntitlement(
        held.account().clientId(), ctx.pathParam("entity"), AdminApi.actor(ctx));
    api.changed();
    ctx.status(204);
  }

  // --- shared ------------------------------------------------------------------------------------

  /**
   * The account named in the path, if the caller may reach it: 404 when there is none, 403 when it
   * belongs to a participant the caller does not administer.
   */
  private AdminStore.AccountSummary reachable(Context ctx, String action) {
    String clientId = ctx.pathParam("clientId");
    AdminStore.AccountSummary held =
        api.admin
            .account(clientId)
            .orElseThrow(() -> AdminProblem.notFound("no account " + clientId));
    Administrator admin = AdminApi.administrator(ctx);
    admin.requireParticipant(held.account().participantId(), action + " account " + clientId);
    // Its secret would make a participant admin an operator admin.
    if (held.account().roles().contains(Role.OPERATOR_ADMIN)) {
      admin.requireOperator(action + " the operator-admin account " + clientId);
    }
    return held;
  }

  private Map<String, Object> view(AdminStore.AccountSummary a) {
    return Views.account(
        a.account(), a.created(), lockouts.lockedUntil(a.account().clientId(), clock.instant()));
  }

  private Duration lifetime(JsonBody body) {
    Long seconds = body.number("tokenLifetimeSeconds");
    if (seconds == null) {
      return null;
    }
    Duration d = Duration.ofSeconds(seconds);
    if (!ServiceAccount.isValidTokenLifetime(d) || d.compareTo(maxTokenLifetime) > 0) {
      body.error(
          "tokenLifetimeSeconds: "
              + seconds
              + " is outside 60.."
              + maxTokenLifetime.toSeconds()
              + " (max-token-lifetime)");
      return null;
    }
    return d;
  }

  private static Map<String, Object> newSecret(AdminStore.SecretInfo info, String secret) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", info.id());
    m.put("secret", secret);
    m.put("created", Views.time(info.created()));
    m.put("expires", Views.time(info.expires()));
    return m;
  }
}
