package io.idxauth.store;

import static io.idxauth.core.Operation.CREATE;
import static io.idxauth.core.Operation.READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.EntityKind;
import io.idxauth.core.Participant;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
              assertThat(account.secretHash()).isNull();
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
            "accounts[0]: give either secret or secretHash, not both",
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

  @Test
  void secret_and_secret_hash_together_are_refused() {
    String file =
        EXAMPLE.replace(
            "secret: \"plain text\"", "secret: \"plain text\"\n    secretHash: \"" + BCRYPT + "\"");

    assertThat(problemsOf(file))
        .containsExactly("accounts[0]: give either secret or secretHash, not both");
  }

  @Test
  void supported_secret_hash_is_accepted() throws Exception {
    String file = EXAMPLE.replace("secret: \"plain text\"", "secretHash: \"" + BCRYPT + "\"");

    Provisioning provisioning = parse(file);

    assertThat(provisioning.accounts().get(0).secretHash()).isEqualTo(BCRYPT);
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
