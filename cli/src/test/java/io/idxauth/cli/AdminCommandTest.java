package io.idxauth.cli;

import static io.idxauth.server.TestService.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.idxauth.server.TestService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code idx-auth admin} against a real service over HTTP: what an operator or a participant admin
 * types, what they see, and what the service then does.
 */
class AdminCommandTest {

  private static TestService service;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    service = TestService.start(TestService.tempDir());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  record Result(int exit, String out, String err) {}

  /** Runs {@code idx-auth admin ARGS} with {@code env} as its environment. */
  private static Result admin(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        new CommandLine(
            new Main(),
            new CommandLine.IFactory() {
              @Override
              public <K> K create(Class<K> type) throws Exception {
                return type == AdminCommand.class
                    ? type.cast(new AdminCommand(env))
                    : CommandLine.defaultFactory().create(type);
              }
            });
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("admin"));
    all.addAll(List.of(args));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }

  private static Map<String, String> env(String clientId, String secret) {
    return Map.of(
        "IDX_AUTH_URL", service.base(),
        "IDX_AUTH_ADMIN_CLIENT_ID", clientId,
        "IDX_AUTH_ADMIN_CLIENT_SECRET", secret);
  }

  /** As the fixture's operator admin, credentials from the environment. */
  private static Result operator(String... args) {
    return admin(env(TestService.OPERATOR, TestService.OPERATOR_SECRET), args);
  }

  private static Result ok(Result result) {
    assertThat(result.exit()).as(result.err() + result.out()).isZero();
    return result;
  }

  /** Creates an account of RETAILER01; returns its secret. */
  private static String create(String clientId) {
    String secret =
        ok(operator("accounts", "create", clientId, "--participant", "RETAILER01", "--secret-only"))
            .out();
    assertThat(secret).matches("[A-Za-z0-9_-]{43}\n");
    return secret.strip();
  }

  // --- accounts, secrets, entitlements -----------------------------------------------------------

  @Test
  void created_account_prints_its_secret_once_and_the_secret_gets_a_token() {
    Result created = ok(operator("accounts", "create", "cli-app", "--participant", "RETAILER01"));

    assertThat(created.out())
        .contains("clientId: cli-app\n")
        .contains("participant: RETAILER01\n")
        .contains("enabled: true\n")
        .contains("shown only now");
    Matcher secret = Pattern.compile("(?m)^secret: (\\S+)$").matcher(created.out());
    assertThat(secret.find()).as(created.out()).isTrue();
    assertThat(service.token("cli-app", secret.group(1), "").statusCode()).isEqualTo(200);

    Result read = ok(operator("accounts", "get", "cli-app"));
    assertThat(read.out()).contains("clientId: cli-app").doesNotContain(secret.group(1));
    assertThat(ok(operator("secrets", "list", "cli-app")).out()).doesNotContain(secret.group(1));
  }

  @Test
  void granted_entitlement_is_in_the_next_token_and_revoked_is_not() {
    String secret = create("cli-grant");

    Result granted =
        ok(
            operator(
                "entitlements",
                "grant",
                "cli-grant",
                "pqd",
                "--participants",
                "RETAILER01,RETAILER02",
                "--operations",
                "read"));

    assertThat(granted.out())
        .isEqualTo("entity: pqd\nparticipants: RETAILER01,RETAILER02\noperations: read\n");
    assertThat(json(service.token("cli-grant", secret, "pqd sord")).path("scope").asText())
        .isEqualTo("pqd");
    assertThat(ok(operator("entitlements", "list", "cli-grant")).out())
        .isEqualTo(
            """
            ENTITY  PARTICIPANTS           OPERATIONS
            pqd     RETAILER01,RETAILER02  read
            """);

    assertThat(ok(operator("entitlements", "revoke", "cli-grant", "pqd")).out())
        .isEqualTo("revoked entitlement pqd of account cli-grant\n");
    assertThat(json(service.token("cli-grant", secret, "pqd")).has("scope")).isFalse();
  }

  @Test
  void rotated_secret_is_printed_alone_and_both_work_until_the_old_is_revoked() {
    String old = create("cli-rotate");
    String oldId =
        json(service.admin("GET", "/accounts/cli-rotate/secrets", ops(), null))
            .path("items")
            .get(0)
            .path("id")
            .asText();

    Result rotated = ok(operator("secrets", "add", "cli-rotate", "--secret-only"));

    assertThat(rotated.out()).matches("[A-Za-z0-9_-]{43}\n");
    String fresh = rotated.out().strip();
    assertThat(service.token("cli-rotate", fresh, "").statusCode()).isEqualTo(200);
    assertThat(service.token("cli-rotate", old, "").statusCode()).isEqualTo(200);
    String secrets = ok(operator("secrets", "list", "cli-rotate")).out();
    assertThat(secrets.lines().toList()).hasSize(3);
    assertThat(secrets.lines().findFirst().orElseThrow())
        .matches("ID +CREATED +EXPIRES +LAST USED");

    assertThat(ok(operator("secrets", "revoke", "cli-rotate", oldId)).out())
        .isEqualTo("revoked secret " + oldId + " of account cli-rotate\n");
    assertThat(service.token("cli-rotate", old, "").statusCode()).isEqualTo(401);
    assertThat(service.token("cli-rotate", fresh, "").statusCode()).isEqualTo(200);
  }

  @Test
  void rotated_secret_is_shown_once_with_what_happens_to_the_old_one() {
    create("cli-rotate-table");

    Result rotated = ok(operator("secrets", "add", "cli-rotate-table"));

    assertThat(rotated.out())
        .containsPattern("(?m)^secret: [A-Za-z0-9_-]{43}$")
        .containsPattern("(?m)^secretId: \\S+$")
        .contains("shown only now")
        .contains("held before keep working");
  }

  @Test
  void disabled_account_is_refused_a_token_and_enabled_again_gets_one() {
    String secret = create("cli-disable");

    Result disabled = ok(operator("accounts", "update", "cli-disable", "--enabled", "false"));

    assertThat(disabled.out()).contains("enabled: false\n");
    assertThat(service.token("cli-disable", secret, "").statusCode()).isEqualTo(401);
    ok(operator("accounts", "update", "cli-disable", "--enabled", "true"));
    assertThat(service.token("cli-disable", secret, "").statusCode()).isEqualTo(200);
  }

  @Test
  void account_update_sets_lifetime_roles_and_back_to_the_defaults() {
    create("cli-update");

    Result changed =
        ok(
            operator(
                "accounts",
                "update",
                "cli-update",
                "--token-lifetime",
                "300",
                "--role",
                "participant-admin"));
    assertThat(changed.out())
        .contains("tokenLifetimeSeconds: 300\n")
        .contains("roles: participant-admin\n");

    Result reset =
        ok(
            operator(
                "accounts", "update", "cli-update", "--token-lifetime", "default", "--no-roles"));
    assertThat(reset.out()).contains("tokenLifetimeSeconds: -\n").contains("roles: -\n");
    assertThat(ok(operator("accounts", "delete", "cli-update")).out())
        .isEqualTo("deleted account cli-update\n");
    assertThat(operator("accounts", "get", "cli-update").err())
        .isEqualTo("idx-auth: 404 Not Found: no account cli-update\n");
  }

  @Test
  void accounts_list_as_an_aligned_table_and_as_the_apis_json() throws Exception {
    Result table = ok(operator("accounts", "list", "--participant", "DNSP01"));

    List<String> lines = table.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .matches("CLIENT ID +PARTICIPANT +ENABLED +ROLES +LIFETIME +LOCKED UNTIL");
    assertThat(lines.get(1)).matches("dnsp01-app +DNSP01 +true +- +default +-");
    for (String header : List.of("PARTICIPANT", "ENABLED", "ROLES", "LIFETIME", "LOCKED UNTIL")) {
      int column = lines.get(0).indexOf(header);
      assertThat(lines.get(1).charAt(column)).as(header).isNotEqualTo(' ');
      assertThat(lines.get(1).charAt(column - 1)).as(header).isEqualTo(' ');
    }

    Result asJson = ok(operator("accounts", "list", "--participant", "DNSP01", "--json"));
    JsonNode answer = new ObjectMapper().readTree(asJson.out());
    assertThat(answer.path("items")).hasSize(1);
    assertThat(answer.path("items").get(0).path("clientId").asText()).isEqualTo("dnsp01-app");
    assertThat(answer.path("nextCursor").isNull()).isTrue();
  }

  @Test
  void accounts_list_pages_and_all_follows_the_cursor() throws Exception {
    int total = json(service.admin("GET", "/accounts?limit=500", ops(), null)).path("items").size();

    Result page = ok(operator("accounts", "list", "--limit", "2"));
    assertThat(page.out().lines()).hasSize(3);
    assertThat(page.err()).startsWith("more: --cursor ");

    Result all = ok(operator("accounts", "list", "--limit", "2", "--all", "--json"));
    JsonNode answer = new ObjectMapper().readTree(all.out());
    assertThat(answer.path("items").size()).isEqualTo(total);
    assertThat(ok(operator("accounts", "list", "--limit", "2", "--all")).out().lines())
        .hasSize(total + 1);
  }

  // --- participants, entities, keys, audit -------------------------------------------------------

  @Test
  void participant_and_entity_are_created_changed_and_deleted() {
    ok(
        operator(
            "entities",
            "create",
            "cliex",
            "--kind",
            "idx-service",
            "--operations",
            "read,execute",
            "--description",
            "CLI test service"));
    Result created =
        ok(
            operator(
                "participants",
                "create",
                "CLI01",
                "--name",
                "CLI One",
                "--entitlement",
                "cliex:RETAILER01:read"));
    assertThat(created.out())
        .isEqualTo("id: CLI01\nname: CLI One\nentitlements:\n  cliex:RETAILER01:read\n");
    ok(
        operator(
            "participants",
            "update",
            "CLI01",
            "--entitlement",
            "cliex:CLI01,RETAILER01:read,execute",
            "--entitlement",
            "pqd:CLI01:read"));
    assertThat(ok(operator("participants", "list")).out())
        .containsPattern(
            "(?m)^CLI01 +CLI One +cliex:CLI01,RETAILER01:read,execute pqd:CLI01:read$");

    assertThat(
            ok(operator(
                    "participants", "update", "CLI01", "--name", "CLI Uno", "--no-entitlements"))
                .out())
        .isEqualTo("id: CLI01\nname: CLI Uno\nentitlements: -\n");
    assertThat(ok(operator("entities", "update", "cliex", "--operations", "read")).out())
        .contains("operations: read\n");
    assertThat(ok(operator("entities", "list")).out())
        .containsPattern("(?m)^cliex +idx-service +read +CLI test service$");
    assertThat(ok(operator("participants", "delete", "CLI01")).out())
        .isEqualTo("deleted participant CLI01\n");
    assertThat(ok(operator("entities", "delete", "cliex")).out())
        .isEqualTo("deleted entity cliex\n");
    assertThat(operator("entities", "get", "cliex").exit()).isEqualTo(1);
  }

  @Test
  void keys_rotate_adds_a_pending_key_that_keys_list_shows() {
    Result rotated = ok(operator("keys", "rotate"));

    assertThat(rotated.out()).startsWith("rotated: new key ").contains("state: pending\n");
    Matcher kid = Pattern.compile("(?m)^kid: (\\S+)$").matcher(rotated.out());
    assertThat(kid.find()).isTrue();
    Result keys = ok(operator("keys", "list"));
    assertThat(keys.out().lines().findFirst().orElseThrow())
        .matches("KID +STATE +ACTIVATES +RETIRES +PUBLISHED UNTIL");
    assertThat(keys.out()).containsPattern("(?m)^" + Pattern.quote(kid.group(1)) + " +pending ");
    assertThat(keys.out()).containsPattern("(?m) active ");
  }

  @Test
  void audit_query_shows_the_changes_made_through_the_cli() throws Exception {
    create("cli-audited");
    ok(operator("accounts", "update", "cli-audited", "--enabled", "false"));

    Result table = ok(operator("audit", "--account", "cli-audited", "--kind", "account."));

    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0)).matches("ID +AT +KIND +ACTOR +CLIENT ID +PARTICIPANT +SOURCE +DETAIL");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1))
        .contains("account.updated")
        .contains("ops-admin")
        .contains("cli-audited")
        .contains("RETAILER01")
        .contains("{\"before\":");
    assertThat(lines.get(2)).contains("account.created");

    Result asJson = ok(operator("audit", "--account", "cli-audited", "--limit", "1", "--json"));
    JsonNode answer = new ObjectMapper().readTree(asJson.out());
    assertThat(answer.path("items")).hasSize(1);
    assertThat(answer.path("nextCursor").asText()).isNotEmpty();
  }

  // --- refusals ----------------------------------------------------------------------------------

  @Test
  void participant_admin_is_refused_another_participants_account_naming_the_right() {
    Result refused =
        admin(
            env(TestService.R1_ADMIN, TestService.R1_ADMIN_SECRET),
            "accounts",
            "get",
            "dnsp01-app");

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err())
        .startsWith("idx-auth: 403 Forbidden: ")
        .contains("DNSP01")
        .endsWith("  missing right: participant-admin:DNSP01\n");
  }

  @Test
  void invalid_request_lists_every_error_of_the_problem() {
    create("cli-invalid");

    Result refused =
        operator(
            "entitlements",
            "grant",
            "cli-invalid",
            "pqd",
            "--participants",
            "NOBODY",
            "--operations",
            "delete");

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err().lines().toList())
        .first()
        .asString()
        .startsWith("idx-auth: 400 Bad Request: ");
    assertThat(refused.err())
        .contains("\n  (body).participants: unknown participant 'NOBODY'\n")
        .contains("\n  (body).operations: entity 'pqd' does not offer delete\n");
  }

  @Test
  void missing_credentials_are_refused_naming_both_ways_to_give_them() {
    Result refused = admin(Map.of("IDX_AUTH_URL", service.base()), "accounts", "list");

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("idx-auth: no admin credentials")
        .contains("IDX_AUTH_ADMIN_CLIENT_ID")
        .contains("IDX_AUTH_ADMIN_CLIENT_SECRET")
        .contains("--credentials-file");
    assertThat(
            admin(
                    Map.of("IDX_AUTH_URL", service.base(), "IDX_AUTH_ADMIN_CLIENT_ID", "ops-admin"),
                    "accounts",
                    "list")
                .exit())
        .isEqualTo(1);
  }

  @Test
  void wrong_credentials_are_reported_as_refused() {
    Result refused = admin(env(TestService.OPERATOR, "not-the-secret"), "keys", "list");

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("idx-auth: the admin credentials of ops-admin")
        .contains("were refused");
  }

  @Test
  void account_without_an_admin_role_is_told_so() {
    Result refused = admin(env(TestService.CLIENT, TestService.SECRET), "keys", "list");

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("holds no admin role");
  }

  @Test
  void credentials_file_is_read_and_a_shared_one_is_warned_about() throws Exception {
    Path file = dir.resolve("admin.properties");
    Files.writeString(file, "client_id=ops-admin\nclient_secret=ops-admin-secret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Map<String, String> noCredentials = Map.of("IDX_AUTH_URL", service.base());

    Result owned = admin(noCredentials, "--credentials-file", file.toString(), "keys", "list");
    assertThat(owned.exit()).as(owned.err()).isZero();
    assertThat(owned.err()).isEmpty();
    assertThat(owned.out()).startsWith("KID ");

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    // The option may also follow the action.
    Result shared = admin(noCredentials, "keys", "list", "--credentials-file", file.toString());
    assertThat(shared.exit()).isZero();
    assertThat(shared.err())
        .startsWith("idx-auth: warning: the credentials file " + file)
        .contains("group or others");
  }

  @Test
  void credentials_file_wins_over_the_environment() throws Exception {
    Path file = dir.resolve("r1.properties");
    Files.writeString(file, "client_id=r1-admin\nclient_secret=r1-admin-secret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    Result asR1 =
        admin(
            env(TestService.OPERATOR, TestService.OPERATOR_SECRET),
            "--credentials-file",
            file.toString(),
            "keys",
            "list");

    assertThat(asR1.exit()).isEqualTo(1);
    assertThat(asR1.err()).contains("missing right: operator-admin");
  }

  @Test
  void unreachable_service_is_a_clear_failure() {
    String nowhere = "http://127.0.0.1:" + TestService.freePort();

    Result refused =
        admin(
            env(TestService.OPERATOR, TestService.OPERATOR_SECRET),
            "--url",
            nowhere,
            "keys",
            "list");

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("idx-auth: cannot reach the idx-auth service at " + nowhere)
        .contains("--url");
    assertThat(admin(env("a", "b"), "--url", "localhost:8080", "keys", "list").err())
        .startsWith("idx-auth: 'localhost:8080' is not the URL of a service");
  }

  @Test
  void usage_errors_exit_2() {
    assertThat(operator("accounts").exit()).isEqualTo(2);
    assertThat(operator("accounts", "update", "retailer01-app").exit()).isEqualTo(2);
    assertThat(operator("accounts", "update", "x", "--role", "a", "--no-roles").exit())
        .isEqualTo(2);
    assertThat(operator("accounts", "update", "x", "--token-lifetime", "long").exit()).isEqualTo(2);
    Result badEntitlement =
        operator("participants", "create", "X1", "--name", "X", "--entitlement", "pqd:read");
    assertThat(badEntitlement.exit()).isEqualTo(2);
    assertThat(badEntitlement.err()).contains("ENTITY:P1,P2:OP1,OP2");
    assertThat(operator("entitlements", "grant", "x", "pqd").exit()).isEqualTo(2);
  }

  @Test
  void admin_is_a_subcommand_of_idx_auth() throws Exception {
    Path file = dir.resolve("ops.properties");
    Files.writeString(file, "client_id=ops-admin\nclient_secret=ops-admin-secret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "admin",
            "--url",
            service.base(),
            "--credentials-file",
            file.toString(),
            "entities",
            "list");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .containsPattern("(?m)^NAME +KIND +OPERATIONS +DESCRIPTION$")
        .containsPattern("(?m)^pqd +business-function +create,read +Power quality data$");
  }

  private static String ops() {
    return service.operatorToken();
  }
}
