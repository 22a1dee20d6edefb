package io.idxauth.store;

import io.idxauth.core.BusinessFunction;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.Participant;
import io.idxauth.core.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated provisioning file: what the store must hold after the import.
 *
 * @param holdings what each participant holds (the ceiling of what its participant admins may
 *     grant), for the participants whose entry gives {@code entitlements}; the others keep theirs
 * @param accounts the accounts; each one's entitlements replace those it held
 * @param catalogue the title and resources of entities, by entity name; an entity of the file
 *     without an entry has none after the import ({@link Catalogue#NONE})
 */
public record Provisioning(
    List<Participant> participants,
    Map<String, List<Entitlement>> holdings,
    List<Entity> entities,
    List<AccountSpec> accounts,
    Map<String, Catalogue> catalogue) {

  public Provisioning {
    participants = List.copyOf(participants);
    Map<String, List<Entitlement>> copy = new LinkedHashMap<>();
    holdings.forEach((id, held) -> copy.put(id, List.copyOf(held)));
    holdings = Collections.unmodifiableMap(copy);
    entities = List.copyOf(entities);
    accounts = List.copyOf(accounts);
    catalogue = Map.copyOf(catalogue);
  }

  /** A provisioning whose entities have no title and no resources. */
  public Provisioning(
      List<Participant> participants,
      Map<String, List<Entitlement>> holdings,
      List<Entity> entities,
      List<AccountSpec> accounts) {
    this(participants, holdings, entities, accounts, Map.of());
  }

  /** This provisioning with other accounts. */
  public Provisioning withAccounts(List<AccountSpec> accounts) {
    return new Provisioning(participants, holdings, entities, accounts, catalogue);
  }

  /** The title and resources {@code entity} has after the import. */
  public Catalogue catalogue(String entity) {
    return catalogue.getOrDefault(entity, Catalogue.NONE);
  }

  /**
   * What the Business Function Information API shows of a business-function entity beyond the
   * entity itself.
   *
   * @param title the name it goes by, or {@code null} for its description
   * @param resources what it exchanges, by resource name
   */
  public record Catalogue(String title, List<BusinessFunction.Resource> resources) {

    /** No title, no resources: what every idx-service entity has. */
    public static final Catalogue NONE = new Catalogue(null, List.of());

    public Catalogue {
      resources = BusinessFunction.sorted(resources);
    }
  }

  /**
   * One account of the file. At most one of {@code secret} and {@code secretHashes} is given; with
   * neither, the account keeps the secrets it has.
   *
   * @param roles its admin roles; empty for an ordinary client
   * @param tokenLifetime the lifetime of its tokens, or {@code null} for the service's default
   * @param secret a plain secret, hashed on import, or {@code null}
   * @param secretHashes the hashes of its secrets (at most {@code AccountPolicy.MAX_SECRETS}), or
   *     empty
   * @param secretDates when the secrets of some of those hashes were made and expire, as an export
   *     writes them; a secret without is made at the import and does not expire early
   */
  public record AccountSpec(
      String clientId,
      String participantId,
      boolean enabled,
      Set<Role> roles,
      Duration tokenLifetime,
      String secret,
      List<String> secretHashes,
      List<Entitlement> entitlements,
      Map<String, SecretDates> secretDates) {

    public AccountSpec {
      roles = Collections.unmodifiableSet(Role.copyOf(roles));
      secretHashes = List.copyOf(secretHashes);
      entitlements = List.copyOf(entitlements);
      secretDates = Map.copyOf(secretDates);
    }

    /** An account whose secrets, if given as hashes, carry no dates. */
    public AccountSpec(
        String clientId,
        String participantId,
        boolean enabled,
        Set<Role> roles,
        Duration tokenLifetime,
        String secret,
        List<String> secretHashes,
        List<Entitlement> entitlements) {
      this(
          clientId,
          participantId,
          enabled,
          roles,
          tokenLifetime,
          secret,
          secretHashes,
          entitlements,
          Map.of());
    }

    /** This account with a plain secret instead of whatever secret the file gave. */
    public AccountSpec withSecret(String secret) {
      return new AccountSpec(
          clientId, participantId, enabled, roles, tokenLifetime, secret, List.of(), entitlements);
    }

    /** When an exported secret was made, and when it expires ({@code null}: by age only). */
    public record SecretDates(Instant created, Instant expires) {}

    @Override
    public String toString() {
      return "AccountSpec[clientId=" + clientId + ", participantId=" + participantId + "]";
    }
  }
}
