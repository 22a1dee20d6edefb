package io.idxauth.core;

import static io.idxauth.core.Operation.CREATE;
import static io.idxauth.core.Operation.READ;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rights of the two admin roles. */
class AdministratorTest {

  private static final Administrator OPERATOR =
      new Administrator("ops", "OPERATOR", Set.of(Role.OPERATOR_ADMIN));
  private static final Administrator RETAILER_ADMIN =
      new Administrator("r1-admin", "RETAILER01", Set.of(Role.PARTICIPANT_ADMIN));
  private static final Optional<Entitlement> HOLDING =
      Optional.of(new Entitlement("pqd", Set.of("RETAILER01", "RETAILER02"), Set.of(READ)));

  @Test
  void operator_admin_may_do_everything() {
    assertThatCode(() -> OPERATOR.requireOperator("rotate keys")).doesNotThrowAnyException();
    assertThatCode(() -> OPERATOR.requireParticipant("DNSP01", "manage"))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                OPERATOR.requireWithinHoldings(
                    new Entitlement("pqd", Set.of("DNSP01"), Set.of(CREATE)), Optional.empty()))
        .doesNotThrowAnyException();
  }

  @Test
  void participant_admin_manages_only_its_own_participant() {
    assertThatCode(() -> RETAILER_ADMIN.requireParticipant("RETAILER01", "manage"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> RETAILER_ADMIN.requireParticipant("DNSP01", "manage accounts"))
        .isInstanceOf(Forbidden.class)
        .hasMessageContaining("participant DNSP01")
        .hasMessageContaining("administers participant RETAILER01");
    assertThatThrownBy(() -> RETAILER_ADMIN.requireOperator("rotate keys"))
        .hasMessage("operator-admin is needed to rotate keys");
  }

  @Test
  void an_account_without_a_role_administers_nothing() {
    Administrator none = new Administrator("app", "RETAILER01", Set.of());

    assertThatThrownBy(() -> none.requireParticipant("RETAILER01", "manage"))
        .hasMessageContaining("administers nothing");
  }

  @Test
  void participant_admin_grants_only_what_its_participant_holds() {
    assertThatCode(
            () ->
                RETAILER_ADMIN.requireWithinHoldings(
                    new Entitlement("pqd", Set.of("RETAILER02"), Set.of(READ)), HOLDING))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                RETAILER_ADMIN.requireWithinHoldings(
                    new Entitlement("pqd", Set.of("DNSP01"), Set.of(READ)), HOLDING))
        .isInstanceOf(Forbidden.class)
        .hasMessageContaining("for participant IDs DNSP01");
    assertThatThrownBy(
            () ->
                RETAILER_ADMIN.requireWithinHoldings(
                    new Entitlement("pqd", Set.of("RETAILER01"), Set.of(READ, CREATE)), HOLDING))
        .hasMessageContaining("does not hold create on entity 'pqd'");
    assertThatThrownBy(
            () ->
                RETAILER_ADMIN.requireWithinHoldings(
                    new Entitlement("mtrd", Set.of("RETAILER01"), Set.of(READ)), Optional.empty()))
        .hasMessageContaining("holds no entitlement to entity 'mtrd'");
  }
}
