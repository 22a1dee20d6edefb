package io.idxauth.store;

import static io.idxauth.core.Operation.CREATE;
import static io.idxauth.core.Operation.READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.idxauth.core.BusinessFunction;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.EntityKind;
import io.idxauth.core.Participant;
import io.idxauth.core.Role;
import io.idxauth.core.SecretHashes;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProvisioningFileTest {

  static final String EXAMPLE =
      """
      participants:
        - id: RETAILER01
          name: Retailer One
        - id: RETAILER02
          name: Retailer Two
      entities:
        - name: pqd
          kind: business-function
          description: Power quality data
          operations: [create, read]
      accounts:
        - clientId: retailer01-app
          participant: RETAILER01
          enabled: true
          secret: "plain text"
          entitlements:
            - entity: pqd
              participants: [RETAILER01, RETAILER02]
              operations: [read, create]
      """;

  /** A bcrypt hash of "imported-bcrypt-2b", made by pyca/bcrypt. */
  static final String BCRYPT = "$2b$04$jE5tUOCf9p9XqFUIXr9LZe6N3gYhs6GS.xDGaGZ4W/UjQtj5vRN2a";

  /** An Argon2id hash of "imported-argon2id". */
  static final String ARGON2ID = new SecretHashes(1024, 1).hash("imported-argon2id");

  private static final SecretHashes HASHES = new SecretHashes(1024, 1);

  private static final ProvisioningFile.Existing EMPTY_STORE = existing(Set.of(), Map.of());

  @Test
  void example_file_is_accepted() throws Exception {
    Provisioning provisioning = parse(EXAMPLE);

    assertThat(provisioning.participants())
        .containsExactly(
            new Participant("RETAILER01", "Retailer One"),
            new Participant("RETAILER02", "Retailer Two"));
    assertThat(provisioning.entities())
        .containsExactly(
            new Entity(
                "pqd", EntityKind.BUSINESS_FUNCTION, "Power quality data", Set.of(CREATE, READ)));
    assertThat(provisioning.accounts())
        .singleElement()
        .satisfies(
            account -> {
              assertThat(account.clientId()).isEqualTo("retailer01-app");
              assertThat(account.participantId()).isEqualTo("RETAILER01");
              assertThat(account.enabled()).isTrue();
              assertThat(account.secret()).isEqualTo("plain text");
              assertThat(account.secretHashes()).isEmpty();
              assertThat(account.roles()).isEmpty();
              assertThat(account.tokenLifetime()).isNull();
              assertThat(account.entitlements())
                  .containsExactly(
                      new Entitlement(
                          "pqd", Set.of("RETAILER01", "RETAILER02"), Set.of(READ, CREATE)));
            });
  }

  @Test
  void every_problem_is_reported_with_its_path_all_at_once() {
    String bad =
        """
        participants:
          - id: retailer01
            name: Lower case
          - id: RETAILER02
          - id: RETAILER02
            name: Again
        entities:
          - name: pqd
            kind: business-function
            operations: [create, read]
          - name: PQD!
            kind: service
            operations: [read, fly]
        accounts:
          - clientId: retailer01-app
            participant: RETAILER09
            enabled: "true"
            secret: plain
            secretHash: "%s"
            entitlements:
              - entity: pqd
                participants: [RETAILER02]
                operations: [read, delete]
              - entity: xyz
                participants: [RETAILER02]
                operations: [read]
              - entity: pqd
                participants: [TOOLONGPARTICIPANT, RETAILER07]
                operations: [read]
          - clientId: "bad id!"
            secretHash: "md5:5f4dcc3b5aa765d61d8327deb882cf99"
          - clientId: retailer01-app
            participant: RETAILER02
            secret: ""
            entitlements: pqd
        """
            .formatted(BCRYPT);

    assertThat(problemsOf(bad))
        .containsExactly(
            "participants[0].id: 'retailer01' is not 1-10 of [A-Z0-9]",
            "participants[1].name: required",
            "participants[2].id: participant 'RETAILER02' is listed twice",
            "entities[1].operations[1]: 'fly' is not one of create, read, update,"
                + " delete, execute",
            "entities[1].name: 'PQD!' must match [a-z0-9][a-z0-9._-]{0,63}",
            "entities[1].kind: 'service' is not business-function or idx-service",
            "accounts[0].participant: unknown participant 'RETAILER09'",
            "accounts[0].enabled: expected true or false",
            "accounts[0]: give only one of secret, secretHash and secretHashes",
            "accounts[0].entitlements[0].operations: delete not offered by entity"
                + " 'pqd' (it offers create, read)",
            "accounts[0].entitlements[1].entity: unknown entity 'xyz'",
            "accounts[0].entitlements[2].participants[0]: 'TOOLONGPARTICIPANT' is"
                + " not 1-10 of [A-Z0-9]",
            "accounts[0].entitlements[2].participants[1]: unknown participant" + " 'RETAILER07'",
            "accounts[1].participant: required",
            "accounts[1].clientId: 'bad id!' must match [A-Za-z0-9._~-]{1,128}",
            "accounts[1].secretHash: unsupported hash format (expected bcrypt $2b$,"
                + " or a PHC string $argon2id$ or $pbkdf2-sha256$)",
            "accounts[2].clientId: account 'retailer01-app' is listed twice",
            "accounts[2].secret: must not be empty",
            "accounts[2].entitlements: expected a list");
  }

  @Test
  void exception_message_counts_and_lists_the_problems() {
    String bad =
        """
        entities:
          - name: pqd
            kind: business-function
            operations: []
        """;

    assertThatThrownBy(() -> parse(bad))
        .isInstanceOf(InvalidProvisioningException.class)
        .hasMessage(
            "1 problem(s): entities[0].operations: expected a non-empty list of create, read,"
                + " update, delete, execute");
  }

  @Test
  void unknown_fields_are_ignored() throws Exception {
    String withExtras =
        """
        version: 7
        comment: not part of the format
        participants:
          - id: RETAILER01
            name: Retailer One
            country: AU
        entities:
          - name: pqd
            kind: business-function
            operations: [create, read]
            owner: somebody
        accounts:
          - clientId: retailer01-app
            participant: RETAILER01
            contact: ops@example.test
            entitlements:
              - entity: pqd
                participants: [RETAILER01]
                operations: [read]
                note: temporary
        """;

    Provisioning provisioning = parse(withExtras);

    assertThat(provisioning.participants()).hasSize(1);
    assertThat(provisioning.entities()).hasSize(1);
    assertThat(provisioning.accounts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.entitlements()).hasSize(1);
              assertThat(a.enabled()).isTrue();
              assertThat(a.secret()).isNull();
            });
  }

  @Test
  void operations_not_offered_by_the_entity_are_refused() {
    String file = EXAMPLE.replace("operations: [read, create]", "operations: [read, update]");

    assertThat(problemsOf(file))
        .containsExactly(
            "accounts[0].entitlements[0].operations: update not offered by entity"
                + " 'pqd' (it offers create, read)");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "secret: a\n    secretHash: \"%1$s\"",
        "secret: a\n    secretHashes: [\"%1$s\"]",
        "secretHash: \"%1$s\"\n    secretHashes: [\"%2$s\"]",
        "secret: a\n    secretHash: \"%1$s\"\n    secretHashes: [\"%2$s\"]"
      })
  void any_two_of_secret_secret_hash_and_secret_hashes_together_are_refused(String secrets) {
    String file = EXAMPLE.replace("secret: \"plain text\"", secrets.formatted(BCRYPT, ARGON2ID));

    assertThat(problemsOf(file))
        .containsExactly("accounts[0]: give only one of secret, secretHash and secretHashes");
  }

  @Test
  void supported_secret_hash_is_accepted() throws Exception {
    String file = EXAMPLE.replace("secret: \"plain text\"", "secretHash: \"" + BCRYPT + "\"");

    Provisioning provisioning = parse(file);

    assertThat(provisioning.accounts().get(0).secretHashes()).containsExactly(BCRYPT);
    assertThat(provisioning.accounts().get(0).secret()).isNull();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"A", "Z9", "1234567890", "RETAILER01"})
  void participant_id_of_one_to_ten_upper_case_letters_and_digits_is_accepted(String id)
      throws Exception {
    Provisioning provisioning = parse(withParticipant(id));

    assertThat(provisioning.participants()).extracting(Participant::id).containsExactly(id);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"retailer01", "RETAILER011", "RETAIL-01", "RÉTAILER", "RET 01", "R_1"})
  void participant_id_outside_one_to_ten_of_upper_case_letters_and_digits_is_refused(String id) {
    assertThat(problemsOf(withParticipant(id)))
        .containsExactly("participants[0].id: '" + id + "' is not 1-10 of [A-Z0-9]");
  }

  @Test
  void participant_id_that_is_not_a_string_is_refused() {
    assertThat(problemsOf("participants:\n  - id: 1234\n    name: Numbers\n"))
        .containsExactly("participants[0].id: expected a non-empty string");
  }

  @Test
  void entitlement_participant_id_is_validated() {
    String file = EXAMPLE.replace("[RETAILER01, RETAILER02]", "[RETAILER01, retailer02]");

    assertThat(problemsOf(file))
        .containsExactly(
            "accounts[0].entitlements[0].participants[1]: 'retailer02' is not 1-10"
                + " of [A-Z0-9]");
  }

  @Test
  void entitlement_without_participants_is_refused() {
    String file = EXAMPLE.replace("[RETAILER01, RETAILER02]", "[]");

    assertThat(problemsOf(file))
        .containsExactly(
            "accounts[0].entitlements[0].participants: expected a non-empty list of"
                + " participant IDs");
  }

  @Test
  void entity_entitled_twice_in_one_account_is_refused() {
    String file =
        EXAMPLE
            + """
                  - entity: pqd
                    participants: [RETAILER01]
                    operations: [read]
            """;

    assertThat(problemsOf(file))
        .containsExactly("accounts[0].entitlements[1].entity: 'pqd' is entitled twice");
  }

  @Test
  void references_to_what_the_store_already_holds_are_accepted() throws Exception {
    ProvisioningFile.Existing store =
        existing(
            Set.of("RETAILER01", "RETAILER02"),
            Map.of(
                "pqd", new Entity("pqd", EntityKind.BUSINESS_FUNCTION, "", Set.of(CREATE, READ))));
    String accountsOnly = EXAMPLE.substring(EXAMPLE.indexOf("accounts:"));

    Provisioning provisioning = parse(accountsOnly, store);

    assertThat(provisioning.participants()).isEmpty();
    assertThat(provisioning.entities()).isEmpty();
    assertThat(provisioning.accounts()).hasSize(1);
  }

  @Test
  void entity_in_the_file_overrides_the_stored_one_for_operation_checks() {
    ProvisioningFile.Existing store =
        existing(
            Set.of(),
            Map.of("pqd", new Entity("pqd", EntityKind.BUSINESS_FUNCTION, "", Set.of(READ))));

    assertThat(problemsOf(EXAMPLE.replace("[create, read]", "[read]"), store))
        .containsExactly(
            "accounts[0].entitlements[0].operations: create not offered by entity"
                + " 'pqd' (it offers read)");
  }

  @Test
  void empty_file_is_refused() {
    assertThat(problemsOf("")).containsExactly("(file): the file is empty");
  }

  @Test
  void file_that_is_not_a_mapping_is_refused() {
    assertThat(problemsOf("- one\n- two\n"))
        .containsExactly("(file): expected a mapping with participants, entities and accounts");
  }

  @Test
  void file_that_is_not_yaml_is_refused_with_its_line() {
    assertThatThrownBy(() -> parse("participants:\n  - id: [RETAILER01\n    name: x\n"))
        .isInstanceOfSatisfying(
            InvalidProvisioningException.class,
            e ->
                assertThat(e.problems())
                    .singleElement(STRING)
                    .startsWith("(file): not valid YAML at line 3"));
  }

  @Test
  void yaml_error_never_quotes_the_file_so_a_secret_in_it_stays_out_of_the_message() {
    String yaml = "accounts:\n  - clientId: a\n    secret: \"TopSecretValue123\n";

    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOfSatisfying(
            InvalidProvisioningException.class,
            e ->
                assertThat(String.join("\n", e.problems()))
                    .contains("not valid YAML at line")
                    .doesNotContain("TopSecretValue123"));
  }

  @Test
  void file_that_cannot_be_read_is_refused_with_its_path(@TempDir Path dir) {
    Path missing = dir.resolve("missing.yaml");

    assertThatThrownBy(() -> ProvisioningFile.read(missing, EMPTY_STORE))
        .isInstanceOfSatisfying(
            InvalidProvisioningException.class,
            e ->
                assertThat(e.problems())
                    .singleElement(STRING)
                    .startsWith(missing + ": cannot read"));
  }

  // --- admin accounts: roles and token lifetime -------------------------------------------------

  /** EXAMPLE with a second account, a participant admin with its own token lifetime. */
  static final String WITH_ADMIN =
      EXAMPLE
          + "  - clientId: retailer01-admin\n"
          + "    participant: RETAILER01\n"
          + "    roles: [participant-admin]\n"
          + "    tokenLifetimeSeconds: 600\n";

  @Test
  void account_roles_and_token_lifetime_are_read() throws Exception {
    Provisioning.AccountSpec admin = parse(WITH_ADMIN).accounts().get(1);

    assertThat(admin.roles()).containsExactly(Role.PARTICIPANT_ADMIN);
    assertThat(admin.tokenLifetime()).isEqualTo(Duration.ofMinutes(10));
    assertThat(admin.entitlements()).isEmpty();
  }

  @Test
  void both_roles_may_be_given() throws Exception {
    String file = WITH_ADMIN.replace("[participant-admin]", "[participant-admin, operator-admin]");

    assertThat(parse(file).accounts().get(1).roles())
        .containsExactlyInAnyOrder(Role.OPERATOR_ADMIN, Role.PARTICIPANT_ADMIN);
  }

  @Test
  void unknown_role_is_refused() {
    String file = WITH_ADMIN.replace("[participant-admin]", "[participant-admin, superuser]");

    assertThat(problemsOf(file))
        .containsExactly(
            "accounts[1].roles[1]: 'superuser' is not one of operator-admin, participant-admin");
  }

  @Test
  void roles_that_are_not_a_list_are_refused() {
    String file = WITH_ADMIN.replace("[participant-admin]", "operator-admin");

    assertThat(problemsOf(file))
        .containsExactly("accounts[1].roles: expected a list of operator-admin, participant-admin");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(ints = {60, 3599, 86400})
  void token_lifetime_of_60_to_86400_seconds_is_accepted(int seconds) throws Exception {
    String file =
        WITH_ADMIN.replace("tokenLifetimeSeconds: 600", "tokenLifetimeSeconds: " + seconds);

    assertThat(parse(file).accounts().get(1).tokenLifetime()).hasSeconds(seconds);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"59", "86401", "0", "-60", "99999999999999999999"})
  void token_lifetime_outside_60_to_86400_seconds_is_refused(String seconds) {
    String file =
        WITH_ADMIN.replace("tokenLifetimeSeconds: 600", "tokenLifetimeSeconds: " + seconds);

    assertThat(problemsOf(file))
        .containsExactly(
            "accounts[1].tokenLifetimeSeconds: " + seconds + " is not 60..86400 seconds");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"\"600\"", "600.5", "1h", "[600]"})
  void token_lifetime_that_is_not_a_whole_number_is_refused(String value) {
    String file = WITH_ADMIN.replace("tokenLifetimeSeconds: 600", "tokenLifetimeSeconds: " + value);

    assertThat(problemsOf(file))
        .containsExactly("accounts[1].tokenLifetimeSeconds: expected a whole number, 60..86400");
  }

  // --- secretHashes ------------------------------------------------------------------------------

  @Test
  void one_or_two_secret_hashes_are_accepted() throws Exception {
    String one = EXAMPLE.replace("secret: \"plain text\"", "secretHashes: [\"" + BCRYPT + "\"]");
    String two =
        EXAMPLE.replace(
            "secret: \"plain text\"",
            "secretHashes:\n      - \"" + BCRYPT + "\"\n      - \"" + ARGON2ID + "\"");

    assertThat(parse(one).accounts().get(0).secretHashes()).containsExactly(BCRYPT);
    assertThat(parse(two).accounts().get(0).secretHashes()).containsExactly(BCRYPT, ARGON2ID);
    assertThat(parse(two).accounts().get(0).secret()).isNull();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"[]", "[\"%1$s\", \"%2$s\", \"%3$s\"]", "\"%1$s\""})
  void secret_hashes_must_be_a_list_of_one_or_two(String list) {
    String file =
        EXAMPLE.replace(
            "secret: \"plain text\"",
            "secretHashes: " + list.formatted(BCRYPT, ARGON2ID, HASHES.hash("third")));

    assertThat(problemsOf(file))
        .containsExactly(
            "accounts[0].secretHashes: expected a list of 1 to 2 hashes (an account holds at"
                + " most 2 secrets)");
  }

  @Test
  void each_secret_hash_is_checked_as_secret_hash_is() {
    String file =
        EXAMPLE.replace(
            "secret: \"plain text\"", "secretHashes: [\"$2b$31$" + BCRYPT.substring(7) + "\", 7]");

    assertThat(problemsOf(file))
        .containsExactly(
            "accounts[0].secretHashes[0]: bcrypt cost must be 4..16, not 31",
            "accounts[0].secretHashes[1]: expected a hash, or a mapping of hash, created and expires");
  }

  @Test
  void the_same_secret_hash_twice_is_refused() {
    String file =
        EXAMPLE.replace(
            "secret: \"plain text\"", "secretHashes: [\"" + BCRYPT + "\", \"" + BCRYPT + "\"]");

    assertThat(problemsOf(file))
        .containsExactly("accounts[0].secretHashes[1]: the same hash is listed twice");
  }

  // --- participant holdings ----------------------------------------------------------------------

  /** EXAMPLE where RETAILER01 holds pqd; it names a participant and an entity listed after it. */
  static final String WITH_HOLDINGS =
      EXAMPLE.replace(
          "    name: Retailer One\n",
          """
              name: Retailer One
              entitlements:
                - entity: pqd
                  participants: [RETAILER01, RETAILER02]
                  operations: [create, read]
          """);

  /** The last line of what RETAILER01 holds in WITH_HOLDINGS. */
  private static final String HELD_OPERATIONS = "        operations: [create, read]\n";

  @Test
  void participant_entitlements_are_what_it_holds() throws Exception {
    Provisioning provisioning = parse(WITH_HOLDINGS);

    assertThat(provisioning.holdings())
        .containsExactly(
            Map.entry(
                "RETAILER01",
                List.of(
                    new Entitlement(
                        "pqd", Set.of("RETAILER01", "RETAILER02"), Set.of(CREATE, READ)))));
    assertThat(provisioning.participants())
        .containsExactly(
            new Participant("RETAILER01", "Retailer One"),
            new Participant("RETAILER02", "Retailer Two"));
  }

  @Test
  void participant_without_entitlements_has_no_holdings_in_the_file() throws Exception {
    assertThat(parse(EXAMPLE).holdings()).isEmpty();
  }

  @Test
  void participant_with_empty_entitlements_holds_nothing() throws Exception {
    String file =
        EXAMPLE.replace(
            "    name: Retailer Two\n", "    name: Retailer Two\n    entitlements: []\n");

    assertThat(parse(file).holdings()).containsExactly(Map.entry("RETAILER02", List.of()));
  }

  @Test
  void participant_entitlements_are_checked_as_account_entitlements_are() {
    String file =
        WITH_HOLDINGS.replace(
            HELD_OPERATIONS,
            "        operations: [create, read, delete]\n"
                + "      - entity: xyz\n"
                + "        participants: [RETAILER01]\n"
                + "        operations: [read]\n"
                + "      - entity: pqd\n"
                + "        participants: [NOBODY]\n"
                + "        operations: [read]\n");

    assertThat(problemsOf(file))
        .containsExactly(
            "participants[0].entitlements[0].operations: delete not offered by entity 'pqd' (it"
                + " offers create, read)",
            "participants[0].entitlements[1].entity: unknown entity 'xyz'",
            "participants[0].entitlements[2].participants[0]: unknown participant 'NOBODY'");
  }

  @Test
  void participant_entitled_twice_to_one_entity_is_refused() {
    String file =
        WITH_HOLDINGS.replace(
            HELD_OPERATIONS,
            HELD_OPERATIONS
                + "      - entity: pqd\n"
                + "        participants: [RETAILER01]\n"
                + "        operations: [read]\n");

    assertThat(problemsOf(file))
        .containsExactly("participants[0].entitlements[1].entity: 'pqd' is entitled twice");
  }

  // --- the reserved entity idx-admin -------------------------------------------------------------

  @Test
  void entitlement_to_idx_admin_is_refused_for_accounts_and_participants() {
    String file = WITH_HOLDINGS.replace("entity: pqd", "entity: idx-admin");

    assertThat(problemsOf(file, storeWithAdminEntity()))
        .containsExactly(
            "participants[0].entitlements[0].entity: idx-admin is granted by roles"
                + " (operator-admin, participant-admin), not by an entitlement",
            "accounts[0].entitlements[0].entity: idx-admin is granted by roles"
                + " (operator-admin, participant-admin), not by an entitlement");
  }

  @Test
  void entity_named_idx_admin_is_refused_as_reserved() {
    String file = EXAMPLE.replace("- name: pqd", "- name: idx-admin");

    assertThat(problemsOf(file))
        .containsExactly(
            "entities[0].name: 'idx-admin' is reserved (the entity of the admin API)",
            "accounts[0].entitlements[0].entity: unknown entity 'pqd'");
  }

  // --- business functions: title and resources --------------------------------------------------

  /** EXAMPLE's pqd with a title and two resources, the second listed first. */
  static final String WITH_RESOURCES =
      EXAMPLE.replace(
          "    operations: [create, read]\naccounts:",
          """
              title: Power Quality Data
              operations: [create, read]
              resources:
                - resource: PowerQualityData
                  schemaVersions: ['1.0', '1.1']
                  payloadTypes: [application/json, text/csv]
                  retention: P7Y
                - resource: PowerQualityAlarm
                  schemaVersions: ['1.0']
                  payloadTypes: [application/json]
                  retention: P2Y6M
          accounts:""");

  @Test
  void business_function_title_and_resources_are_read() throws Exception {
    Provisioning provisioning = parse(WITH_RESOURCES);

    assertThat(provisioning.catalogue("pqd"))
        .isEqualTo(
            new Provisioning.Catalogue(
                "Power Quality Data",
                List.of(
                    new BusinessFunction.Resource(
                        "PowerQualityAlarm",
                        List.of("1.0"),
                        List.of("application/json"),
                        Period.of(2, 6, 0)),
                    new BusinessFunction.Resource(
                        "PowerQualityData",
                        List.of("1.0", "1.1"),
                        List.of("application/json", "text/csv"),
                        Period.ofYears(7)))));
  }

  @Test
  void entity_without_title_or_resources_has_neither() throws Exception {
    assertThat(parse(EXAMPLE).catalogue("pqd")).isEqualTo(Provisioning.Catalogue.NONE);
    assertThat(parse(EXAMPLE).catalogue()).isEmpty();
  }

  @Test
  void idx_service_with_title_or_resources_is_refused() {
    String file =
        WITH_RESOURCES
            .replace("kind: business-function", "kind: idx-service")
            .replace("operations: [read, create]", "operations: [read]");

    assertThat(problemsOf(file))
        .containsExactly(
            "entities[0].title: only a business-function has title",
            "entities[0].resources: only a business-function has resources");
  }

  @Test
  void every_problem_of_a_resource_is_named_by_its_path() {
    String file =
        EXAMPLE.replace(
            "    operations: [create, read]\naccounts:",
            """
                title: ""
                operations: [create, read]
                resources:
                  - resource: Power Quality
                    schemaVersions: [1.0, '1,1', '1.2', '1.2']
                    payloadTypes: [json, 'application/json; charset=utf-8']
                    retention: PT24H
                  - resource: Data
                    schemaVersions: []
                    retention: -P1Y
                  - resource: Data
                    schemaVersions: ['1']
                    payloadTypes: text/csv
                    retention: P0D
                  - schemaVersions: ['1']
                    payloadTypes: [text/csv]
                    retention: 7
                  - just a name
            accounts:""");

    assertThat(problemsOf(file))
        .containsExactly(
            "entities[0].title: expected a non-empty string",
            "entities[0].resources[4]: expected a mapping",
            "entities[0].resources[0].resource: 'Power Quality' must match"
                + " [A-Za-z0-9][A-Za-z0-9._-]{0,63}",
            "entities[0].resources[0].schemaVersions[0]: expected a string; quote it, e.g. '1.0'",
            "entities[0].resources[0].schemaVersions[1]: '1,1' is not a schema version"
                + " ([A-Za-z0-9][A-Za-z0-9._+-]{0,31})",
            "entities[0].resources[0].schemaVersions[3]: '1.2' is listed twice",
            "entities[0].resources[0].payloadTypes[0]: 'json' is not a media type like"
                + " application/json (type/subtype, no parameters)",
            "entities[0].resources[0].payloadTypes[1]: 'application/json; charset=utf-8' is not"
                + " a media type like application/json (type/subtype, no parameters)",
            "entities[0].resources[0].retention: 'PT24H' is not a positive ISO-8601 period of"
                + " years, months, weeks or days, like P7Y, P18M or P90D",
            "entities[0].resources[1].schemaVersions: expected a non-empty list",
            "entities[0].resources[1].payloadTypes: required",
            "entities[0].resources[1].retention: '-P1Y' is not a positive ISO-8601 period of"
                + " years, months, weeks or days, like P7Y, P18M or P90D",
            "entities[0].resources[2].resource: 'Data' is listed twice",
            "entities[0].resources[2].payloadTypes: expected a non-empty list",
            "entities[0].resources[2].retention: 'P0D' is not a positive ISO-8601 period of"
                + " years, months, weeks or days, like P7Y, P18M or P90D",
            "entities[0].resources[3].resource: required",
            "entities[0].resources[3].retention: expected a non-empty string");
  }

  @Test
  void retention_in_weeks_is_read_as_days() throws Exception {
    Provisioning provisioning = parse(WITH_RESOURCES.replace("P2Y6M", "P2W"));

    assertThat(provisioning.catalogue("pqd").resources().get(0).retention())
        .isEqualTo(Period.ofDays(14));
  }

  private static ProvisioningFile.Existing storeWithAdminEntity() {
    return existing(Set.of(), Map.of("idx-admin", JdbcStoreAdminEntity.IDX_ADMIN));
  }

  private static String withParticipant(String id) {
    return "participants:\n  - id: \"" + id + "\"\n    name: Somebody\n";
  }

  static Provisioning parse(String yaml) throws InvalidProvisioningException {
    return parse(yaml, EMPTY_STORE);
  }

  static Provisioning parse(String yaml, ProvisioningFile.Existing existing)
      throws InvalidProvisioningException {
    return ProvisioningFile.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), existing);
  }

  private static ProvisioningFile.Existing existing(
      Set<String> participants, Map<String, Entity> entities) {
    return new ProvisioningFile.Existing() {
      @Override
      public boolean participantExists(String id) {
        return participants.contains(id);
      }

      @Override
      public Optional<Entity> entity(String name) {
        return Optional.ofNullable(entities.get(name));
      }
    };
  }

  @Test
  void yaml_alias_is_refused_rather_than_read_as_its_name() {
    String yaml =
        """
        participants:
          - {id: RETAILER01, name: Retailer One}
        accounts:
          - {clientId: alpha, participant: RETAILER01, secret: &shared "c2VjcmV0"}
          - {clientId: beta, participant: RETAILER01, secret: *shared}
        """;

    assertThat(problemsOf(yaml))
        .singleElement()
        .asString()
        .contains("anchors and aliases")
        .contains("line 4");
  }

  @Test
  void yaml_anchor_without_an_alias_is_refused_too() {
    assertThat(problemsOf(EXAMPLE.replace("name: Retailer Two", "name: &two Retailer Two")))
        .singleElement()
        .asString()
        .contains("anchors and aliases")
        .contains("line 5");
  }

  @Test
  void yaml_alias_after_the_accounts_is_refused() {
    assertThat(problemsOf(EXAMPLE + "notes: *nothing\n"))
        .singleElement()
        .asString()
        .contains("anchors and aliases");
  }

  @Test
  void yaml_error_after_the_accounts_is_reported_alone() {
    String yaml = EXAMPLE.replace("RETAILER02]", "NOBODY]") + "notes: [unclosed\n";

    assertThat(problemsOf(yaml)).singleElement().asString().startsWith("(file): not valid YAML");
  }

  @Test
  void accounts_listed_before_the_participants_and_entities_they_name_are_accepted()
      throws Exception {
    int accounts = EXAMPLE.indexOf("accounts:");
    String reordered = EXAMPLE.substring(accounts) + EXAMPLE.substring(0, accounts);

    assertThat(parse(reordered)).isEqualTo(parse(EXAMPLE));
  }

  @Test
  void accounts_listed_before_an_entity_of_the_file_are_checked_against_it() {
    int accounts = EXAMPLE.indexOf("accounts:");
    String reordered =
        EXAMPLE.substring(accounts)
            + EXAMPLE.substring(0, accounts).replace("create, read", "read");
    Entity storeEntity = new Entity("pqd", EntityKind.BUSINESS_FUNCTION, "", Set.of(CREATE, READ));
    ProvisioningFile.Existing store = existing(Set.of(), Map.of("pqd", storeEntity));

    assertThat(problemsOf(reordered, store))
        .containsExactly(
            "accounts[0].entitlements[0].operations: create not offered by entity"
                + " 'pqd' (it offers read)");
  }

  @Test
  void section_given_twice_is_refused() {
    assertThat(problemsOf(EXAMPLE + "participants: []\n"))
        .containsExactly("participants: given twice in the file");
  }

  @Test
  void file_larger_than_snakeyamls_default_limit_of_3_mb_is_read() throws Exception {
    StringBuilder yaml = new StringBuilder(EXAMPLE);
    String entitlement =
        "      - entity: pqd\n        participants: [RETAILER01]\n        operations: [read]\n";
    int accounts = 1;
    for (; yaml.length() <= 4 << 20; accounts++) {
      yaml.append("  - clientId: app-").append(accounts).append("\n    participant: RETAILER02\n");
      yaml.append("    entitlements:\n").append(entitlement);
    }

    assertThat(parse(yaml.toString()).accounts()).hasSize(accounts);
  }

  /** The problems a file is refused with; fails when it is accepted. */
  private static List<String> problemsOf(String yaml) {
    return problemsOf(yaml, EMPTY_STORE);
  }

  private static List<String> problemsOf(String yaml, ProvisioningFile.Existing existing) {
    try {
      parse(yaml, existing);
    } catch (InvalidProvisioningException e) {
      return e.problems();
    }
    throw new AssertionError("the file was accepted");
  }
}
