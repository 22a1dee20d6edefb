package io.idxauth.core;

import static io.idxauth.core.Operation.CREATE;
import static io.idxauth.core.Operation.DELETE;
import static io.idxauth.core.Operation.READ;
import static io.idxauth.core.Operation.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EntitlementResolverTest {

  private static final ServiceAccount RETAILER = new ServiceAccount("retailer01-app", "R1", true);

  private final InMemoryDirectory directory =
      new InMemoryDirectory()
          .with(entity("pqd", CREATE, READ))
          .with(entity("mtrd", READ))
          .with(entity("nmi", READ, UPDATE))
          .with(entity("unheld", READ));

  private final EntitlementResolver resolver = new EntitlementResolver(directory);

  @Test
  void entitled_names_are_granted_with_their_participants_and_operations() {
    AccountRecord account = account(new Entitlement("pqd", Set.of("R1", "R2"), Set.of(READ)));

    Grant grant = resolver.resolve(account, List.of("pqd"));

    assertThat(grant.granted())
        .containsExactly(new Entitlement("pqd", Set.of("R1", "R2"), Set.of(READ)));
    assertThat(grant.dropped()).isEmpty();
    assertThat(grant.isEmpty()).isFalse();
  }

  @Test
  void the_admin_entity_is_granted_by_a_role_not_by_an_entitlement() {
    ServiceAccount admin = new ServiceAccount("ops", "R1", true, Set.of(Role.OPERATOR_ADMIN), null);
    AccountRecord withRole = new AccountRecord(admin, List.of(), List.of());
    AccountRecord without = account(new Entitlement(Role.ADMIN_ENTITY, Set.of("R1"), Set.of(READ)));
    directory.with(entity(Role.ADMIN_ENTITY, CREATE, READ, UPDATE, DELETE));

    assertThat(resolver.resolve(withRole, List.of("idx-admin")).scope()).isEqualTo("idx-admin");
    assertThat(resolver.resolve(without, List.of("idx-admin")).dropped())
        .containsExactly("idx-admin");
  }

  @Test
  void unentitled_scope_is_dropped_silently() {
    AccountRecord account = account(new Entitlement("pqd", Set.of("R1"), Set.of(READ)));

    Grant grant = resolver.resolve(account, List.of("pqd", "unheld"));

    assertThat(grant.granted()).extracting(Entitlement::entity).containsExactly("pqd");
    assertThat(grant.dropped()).containsExactly("unheld");
  }

  @Test
  void name_of_no_entity_is_dropped_even_when_entitled() {
    AccountRecord account =
        account(
            new Entitlement("pqd", Set.of("R1"), Set.of(READ)),
            new Entitlement("gone", Set.of("R1"), Set.of(READ)));

    Grant grant = resolver.resolve(account, List.of("gone", "nothing", "pqd"));

    assertThat(grant.granted()).extracting(Entitlement::entity).containsExactly("pqd");
    assertThat(grant.dropped()).containsExactly("gone", "nothing");
  }

  @Test
  void granted_entitlements_follow_request_order_not_holding_order() {
    AccountRecord account =
        account(
            new Entitlement("pqd", Set.of("R1"), Set.of(READ)),
            new Entitlement("mtrd", Set.of("R1"), Set.of(READ)),
            new Entitlement("nmi", Set.of("R1"), Set.of(READ)));

    Grant grant = resolver.resolve(account, List.of("nmi", "pqd", "mtrd"));

    assertThat(grant.granted())
        .extracting(Entitlement::entity)
        .containsExactly("nmi", "pqd", "mtrd");
  }

  @Test
  void operations_granted_are_those_the_entity_still_offers() {
    AccountRecord account =
        account(new Entitlement("pqd", Set.of("R1"), Set.of(CREATE, READ, DELETE)));

    Grant grant = resolver.resolve(account, List.of("pqd"));

    assertThat(grant.granted())
        .singleElement()
        .satisfies(e -> assertThat(e.operations()).containsExactlyInAnyOrder(CREATE, READ));
  }

  @Test
  void entitlement_whose_operations_the_entity_no_longer_offers_is_dropped() {
    AccountRecord account =
        account(
            new Entitlement("mtrd", Set.of("R1"), Set.of(CREATE, DELETE)),
            new Entitlement("pqd", Set.of("R1"), Set.of(READ)));

    Grant grant = resolver.resolve(account, List.of("mtrd", "pqd"));

    assertThat(grant.granted()).extracting(Entitlement::entity).containsExactly("pqd");
    assertThat(grant.dropped()).containsExactly("mtrd");
  }

  @Test
  void nothing_requested_is_grant_none_without_scope() {
    AccountRecord account = account(new Entitlement("pqd", Set.of("R1"), Set.of(READ)));

    Grant grant = resolver.resolve(account, List.of());

    assertThat(grant).isSameAs(Grant.NONE);
    assertThat(grant.isEmpty()).isTrue();
    assertThat(grant.scope()).isNull();
  }

  @Test
  void all_names_dropped_leaves_no_scope() {
    AccountRecord account = account();

    Grant grant = resolver.resolve(account, List.of("pqd", "mtrd"));

    assertThat(grant.isEmpty()).isTrue();
    assertThat(grant.scope()).isNull();
    assertThat(grant.dropped()).containsExactly("pqd", "mtrd");
  }

  @Test
  void scope_joins_granted_names_with_single_spaces() {
    AccountRecord account =
        account(
            new Entitlement("pqd", Set.of("R1"), Set.of(READ)),
            new Entitlement("mtrd", Set.of("R1"), Set.of(READ)));

    Grant grant = resolver.resolve(account, List.of("mtrd", "unheld", "pqd"));

    assertThat(grant.scope()).isEqualTo("mtrd pqd");
  }

  private static AccountRecord account(Entitlement... entitlements) {
    return new AccountRecord(RETAILER, List.of(), List.of(entitlements));
  }

  private static Entity entity(String name, Operation... operations) {
    return new Entity(name, EntityKind.BUSINESS_FUNCTION, name, Set.of(operations));
  }
}
