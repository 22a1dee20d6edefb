package io.idxauth.store;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.idxauth.core.AccountPolicy;
import io.idxauth.core.BusinessFunction;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.EntityKind;
import io.idxauth.core.Operation;
import io.idxauth.core.Participant;
import io.idxauth.core.Role;
import io.idxauth.core.SecretHashes;
import io.idxauth.core.ServiceAccount;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Reads and validates a declarative provisioning file (YAML). A file with any problem is refused
 * whole, with every problem named by its path, e.g. {@code accounts[0].entitlements[1].entity:
 * unknown entity 'xyz'}. Fields the file format does not know are ignored. The reserved entity
 * {@value Role#ADMIN_ENTITY} can be neither defined nor entitled: the admin roles grant it.
 */
public final class ProvisioningFile {

  /** What is already in the store, for references the file does not define itself. */
  public interface Existing {
    boolean participantExists(String id);

    Optional<Entity> entity(String name);
  }

  private static final String ROLE_NAMES =
      String.join(", ", Stream.of(Role.values()).map(Role::wireName).toList());

  /** Where the file is read from: opened once, or twice when its accounts come first. */
  @FunctionalInterface
  private interface Source {
    InputStream open() throws IOException;
  }

  /** The sections of a file, each given at most once. */
  private static final List<String> SECTIONS = List.of("participants", "entities", "accounts");

  /** The list the checks add their problems to: that of the section being checked. */
  private List<String> problems = new ArrayList<>();

  private final List<String> fileProblems = new ArrayList<>();
  private List<String> definitionProblems = new ArrayList<>();
  private final List<String> accountProblems = new ArrayList<>();
  private final Map<String, Entity> entitiesInFile = new HashMap<>();
  private final Map<String, Provisioning.Catalogue> catalogue = new HashMap<>();
  private final Set<String> participantsInFile = new HashSet<>();
  private final Predicate<String> participantExists;
  private final Function<String, Optional<Entity>> existingEntity;

  /**
   * One instance of each participant ID and entity name, however often the file repeats it: a file
   * of a million entitlements names the same hundred participants over and over.
   */
  private final Map<String, String> canonicalNames = new HashMap<>();

  /** The participants and entities sections as read, while the file is being read. */
  private JsonNode participantsNode;

  private JsonNode entitiesNode;

  /** What the definitions were checked with: which of the two sections had been read then. */
  private boolean checkedWithParticipants;

  private boolean checkedWithEntities;
  private List<Participant> participants = List.of();
  private List<Entity> entities = List.of();
  private Map<String, List<Entitlement>> holdings = Map.of();
  private final List<Provisioning.AccountSpec> accounts = new ArrayList<>();
  private final Set<String> clientIds = new HashSet<>();

  private ProvisioningFile(Existing existing) {
    // Asked once per name: a large file names the same few participants and entities throughout.
    Map<String, Boolean> participantAnswers = new HashMap<>();
    Map<String, Optional<Entity>> entityAnswers = new HashMap<>();
    this.participantExists =
        id -> participantAnswers.computeIfAbsent(id, existing::participantExists);
    this.existingEntity = name -> entityAnswers.computeIfAbsent(name, existing::entity);
  }

  public static Provisioning read(Path file, Existing existing)
      throws InvalidProvisioningException {
    try (InputStream in = Files.newInputStream(file)) {
      // opened once here, so that a missing or unreadable file is named as such
    } catch (IOException e) {
      throw new InvalidProvisioningException(List.of(file + ": cannot read: " + e.getMessage()));
    }
    return new ProvisioningFile(existing).read(() -> Files.newInputStream(file));
  }

  public static Provisioning parse(InputStream yaml, Existing existing)
      throws InvalidProvisioningException {
    byte[] bytes;
    try {
      bytes = yaml.readAllBytes();
    } catch (IOException e) {
      throw new InvalidProvisioningException(List.of("(file): cannot read: " + e.getMessage()));
    }
    return new ProvisioningFile(existing).read(() -> new ByteArrayInputStream(bytes));
  }

  /**
   * Reads the file in one pass, checking each account as it comes, so that the accounts are never
   * all held as a tree. The participants and entities they refer to must be known by then: so they
   * are when the file lists them first, as an export does, or leaves them out. Otherwise the
   * accounts are read again, in a second pass, once the whole file has been seen.
   */
  private Provisioning read(Source source) throws InvalidProvisioningException {
    boolean accountsSeen = false;
    try (SafeYaml.Parser parser = open(source)) {
      JsonToken root = parser.next();
      if (root == null || root == JsonToken.VALUE_NULL) {
        parser.skipRest();
        throw new InvalidProvisioningException(List.of("(file): the file is empty"));
      }
      if (root != JsonToken.START_OBJECT) {
        parser.skipValue();
        parser.skipRest();
        throw new InvalidProvisioningException(
            List.of("(file): expected a mapping with participants, entities and accounts"));
      }
      Set<String> seen = new HashSet<>();
      while (parser.next() == JsonToken.FIELD_NAME) {
        String field = parser.fieldName();
        parser.next();
        if (SECTIONS.contains(field) && !seen.add(field)) {
          fileProblems.add(field + ": given twice in the file");
          parser.skipValue();
          continue;
        }
        switch (field) {
          case "participants" -> participantsNode = parser.tree();
          case "entities" -> entitiesNode = parser.tree();
          case "accounts" -> {
            checkDefinitions();
            accountsSeen = true;
            accounts(parser);
          }
          default -> parser.skipValue();
        }
      }
      parser.skipRest();
    } catch (SafeYaml.Invalid e) {
      throw new InvalidProvisioningException(List.of("(file): " + e.getMessage()));
    }
    if (!accountsSeen) {
      checkDefinitions();
    } else if (checkedWithParticipants != (participantsNode != null)
        || checkedWithEntities != (entitiesNode != null)) {
      // The accounts came before participants or entities they may refer to: check them again.
      checkDefinitions();
      accounts.clear();
      clientIds.clear();
      accountProblems.clear();
      accountsAgain(source);
    }
    List<String> all = new ArrayList<>(fileProblems);
    all.addAll(definitionProblems);
    all.addAll(accountProblems);
    if (!all.isEmpty()) {
      throw new InvalidProvisioningException(all);
    }
    return new Provisioning(participants, holdings, entities, accounts, catalogue);
  }

  private static SafeYaml.Parser open(Source source) throws SafeYaml.Invalid {
    try {
      return SafeYaml.open(source.open());
    } catch (IOException e) {
      throw new SafeYaml.Invalid("cannot read: " + e.getMessage());
    }
  }

  /** Checks the participants, entities and holdings of the sections read so far. */
  private void checkDefinitions() {
    definitionProblems = new ArrayList<>();
    problems = definitionProblems;
    participantsInFile.clear();
    entitiesInFile.clear();
    catalogue.clear();
    checkedWithParticipants = participantsNode != null;
    checkedWithEntities = entitiesNode != null;
    List<Item> participantItems = items(participantsNode, "participants");
    participants = new ArrayList<>();
    for (Item item : participantItems) {
      participant(item).ifPresent(participants::add);
    }
    entities = new ArrayList<>();
    for (Item item : items(entitiesNode, "entities")) {
      entity(item).ifPresent(entities::add);
    }
    // Holdings may name any participant or entity of the file, so they are read once all are known.
    holdings = new LinkedHashMap<>();
    for (Item item : participantItems) {
      if (isPresent(item.node.get("entitlements"))) {
        entitlements(item).ifPresent(held -> holdings.put(item.node.path("id").asText(), held));
      }
    }
    problems = accountProblems;
  }

  /** The accounts section, one account at a time, the parser on its first token. */
  private void accounts(SafeYaml.Parser parser) throws SafeYaml.Invalid {
    JsonToken list = parser.current();
    if (list == JsonToken.VALUE_NULL) {
      return;
    }
    if (list != JsonToken.START_ARRAY) {
      problems.add("accounts: expected a list");
      parser.skipValue();
      return;
    }
    JsonToken token;
    for (int i = 0; (token = parser.next()) != JsonToken.END_ARRAY && token != null; i++) {
      JsonNode node = parser.tree();
      String path = "accounts[" + i + "]";
      if (!node.isObject()) {
        problems.add(path + ": expected a mapping");
      } else {
        account(new Item(path, node), clientIds).ifPresent(accounts::add);
      }
    }
  }

  /** The second pass: the accounts section alone. The first pass found the file well-formed. */
  private void accountsAgain(Source source) throws InvalidProvisioningException {
    try (SafeYaml.Parser parser = open(source)) {
      parser.next();
      while (parser.next() == JsonToken.FIELD_NAME) {
        String field = parser.fieldName();
        parser.next();
        if (field.equals("accounts")) {
          accounts(parser);
          return;
        }
        parser.skipValue();
      }
    } catch (SafeYaml.Invalid e) {
      throw new InvalidProvisioningException(List.of("(file): " + e.getMessage()));
    }
  }

  /** The one instance of {@code name} that this file's records hold. */
  private String canonical(String name) {
    String known = canonicalNames.putIfAbsent(name, name);
    return known == null ? name : known;
  }

  private record Item(String path, JsonNode node) {}

  private List<Item> items(JsonNode list, String path) {
    if (list == null || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      problems.add(path + ": expected a list");
      return List.of();
    }
    List<Item> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode node = list.get(i);
      String itemPath = path + "[" + i + "]";
      if (!node.isObject()) {
        problems.add(itemPath + ": expected a mapping");
      } else {
        out.add(new Item(itemPath, node));
      }
    }
    return out;
  }

  private Optional<Participant> participant(Item item) {
    String id = requiredString(item, "id");
    String name = requiredString(item, "name");
    boolean ok = true;
    if (id != null && !Participant.isValidId(id)) {
      problems.add(item.path + ".id: '" + id + "' is not 1-10 of [A-Z0-9]");
      ok = false;
    } else if (id != null && !participantsInFile.add(id)) {
      problems.add(item.path + ".id: participant '" + id + "' is listed twice");
      ok = false;
    }
    return ok && id != null && name != null
        ? Optional.of(new Participant(id, name))
        : Optional.empty();
  }

  private Optional<Entity> entity(Item item) {
    String name = requiredString(item, "name");
    String kindName = requiredString(item, "kind");
    String description = optionalString(item, "description");
    Set<Operation> operations = operations(item, "operations");
    boolean ok = name != null && kindName != null && operations != null;
    if (name != null && !Entity.isValidName(name)) {
      problems.add(item.path + ".name: '" + name + "' must match " + Entity.namePattern());
      ok = false;
    } else if (Role.ADMIN_ENTITY.equals(name)) {
      problems.add(item.path + ".name: '" + name + "' is reserved (the entity of the admin API)");
      ok = false;
    } else if (name != null && entitiesInFile.containsKey(name)) {
      problems.add(item.path + ".name: entity '" + name + "' is listed twice");
      ok = false;
    }
    EntityKind kind = kindName == null ? null : EntityKind.fromWireName(kindName);
    if (kindName != null && kind == null) {
      problems.add(item.path + ".kind: '" + kindName + "' is not business-function or idx-service");
      ok = false;
    }
    Provisioning.Catalogue described = catalogue(item, kind);
    if (!ok) {
      return Optional.empty();
    }
    Entity entity = new Entity(name, kind, description, operations);
    // Known even when its title or resources have a problem, so that entitlements to it check.
    entitiesInFile.put(name, entity);
    if (described == null) {
      return Optional.empty();
    }
    if (!described.equals(Provisioning.Catalogue.NONE)) {
      catalogue.put(name, described);
    }
    return Optional.of(entity);
  }

  /**
   * The {@code title} and {@code resources} of an entity, which only a business function has;
   * {@code null} when either has a problem.
   */
  private Provisioning.Catalogue catalogue(Item item, EntityKind kind) {
    int before = problems.size();
    String title = optionalString(item, "title");
    if (title != null && title.isBlank()) {
      problems.add(item.path + ".title: expected a non-empty string");
    }
    if (kind == EntityKind.IDX_SERVICE) {
      for (String field : List.of("title", "resources")) {
        if (isPresent(item.node.get(field))) {
          problems.add(item.path + "." + field + ": only a business-function has " + field);
        }
      }
    }
    List<BusinessFunction.Resource> resources = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Item r : items(item.node.get("resources"), item.path + ".resources")) {
      String name = requiredString(r, "resource");
      if (name != null && !BusinessFunction.Resource.isValidName(name)) {
        problems.add(
            r.path
                + ".resource: '"
                + name
                + "' must match "
                + BusinessFunction.Resource.namePattern());
        name = null;
      } else if (name != null && !names.add(name)) {
        problems.add(r.path + ".resource: '" + name + "' is listed twice");
        name = null;
      }
      List<String> versions =
          strings(
              r,
              "schemaVersions",
              BusinessFunction.Resource::isValidSchemaVersion,
              "is not a schema version (" + BusinessFunction.Resource.schemaVersionPattern() + ")");
      List<String> types =
          strings(
              r,
              "payloadTypes",
              BusinessFunction.Resource::isValidPayloadType,
              "is not a media type like application/json (type/subtype, no parameters)");
      Period retention = retention(r);
      if (name != null && versions != null && types != null && retention != null) {
        resources.add(new BusinessFunction.Resource(name, versions, types, retention));
      }
    }
    return problems.size() == before ? new Provisioning.Catalogue(title, resources) : null;
  }

  /** A required non-empty list of distinct strings that each pass {@code valid}. */
  private List<String> strings(Item item, String field, Predicate<String> valid, String invalid) {
    JsonNode list = item.node.get(field);
    String path = item.path + "." + field;
    if (!isPresent(list)) {
      problems.add(path + ": required");
      return null;
    }
    if (!list.isArray() || list.isEmpty()) {
      problems.add(path + ": expected a non-empty list");
      return null;
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    boolean ok = true;
    for (int i = 0; i < list.size(); i++) {
      JsonNode value = list.get(i);
      String at = path + "[" + i + "]";
      if (value.isNumber()) {
        // YAML reads 1.10 as the number 1.1: the text the author meant is gone, so ask for quotes.
        problems.add(at + ": expected a string; quote it, e.g. '" + value.asText() + "'");
        ok = false;
      } else if (!value.isTextual()) {
        problems.add(at + ": expected a string");
        ok = false;
      } else if (!valid.test(value.textValue())) {
        problems.add(at + ": '" + value.textValue() + "' " + invalid);
        ok = false;
      } else if (!seen.add(value.textValue().toLowerCase(Locale.ROOT))) {
        problems.add(at + ": '" + value.textValue() + "' is listed twice");
        ok = false;
      } else {
        out.add(value.textValue());
      }
    }
    return ok ? out : null;
  }

  /** How long a resource's data is kept: a positive ISO-8601 period (years, months, days). */
  private Period retention(Item item) {
    String text = requiredString(item, "retention");
    if (text == null) {
      return null;
    }
    try {
      Period retention = Period.parse(text);
      if (BusinessFunction.Resource.isValidRetention(retention)) {
        return retention;
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    problems.add(
        item.path
            + ".retention: '"
            + text
            + "' is not a positive ISO-8601 period of years, months, weeks or days, like P7Y,"
            + " P18M or P90D");
    return null;
  }

  private Optional<Provisioning.AccountSpec> account(Item item, Set<String> clientIds) {
    String clientId = requiredString(item, "clientId");
    String participant = requiredString(item, "participant");
    boolean ok = clientId != null && participant != null;
    if (clientId != null && !ServiceAccount.isValidClientId(clientId)) {
      problems.add(
          item.path
              + ".clientId: '"
              + clientId
              + "' must match "
              + ServiceAccount.clientIdPattern());
      ok = false;
    } else if (clientId != null && !clientIds.add(clientId)) {
      problems.add(item.path + ".clientId: account '" + clientId + "' is listed twice");
      ok = false;
    }
    if (participant != null && !knownParticipant(participant)) {
      problems.add(item.path + ".participant: unknown participant '" + participant + "'");
      ok = false;
    }
    boolean enabled = true;
    JsonNode enabledNode = item.node.get("enabled");
    if (enabledNode != null && !enabledNode.isNull()) {
      if (enabledNode.isBoolean()) {
        enabled = enabledNode.booleanValue();
      } else {
        problems.add(item.path + ".enabled: expected true or false");
        ok = false;
      }
    }
    int before = problems.size();
    Set<Role> roles = roles(item);
    Duration tokenLifetime = tokenLifetime(item);
    ok &= problems.size() == before;
    String secret = optionalString(item, "secret");
    long secretsGiven =
        Stream.of("secret", "secretHash", "secretHashes")
            .filter(field -> isPresent(item.node.get(field)))
            .count();
    if (secretsGiven > 1) {
      problems.add(item.path + ": give only one of secret, secretHash and secretHashes");
      ok = false;
    }
    if (secret != null && secret.isEmpty()) {
      problems.add(item.path + ".secret: must not be empty");
      ok = false;
    }
    Map<String, Provisioning.AccountSpec.SecretDates> secretDates = new HashMap<>();
    List<String> secretHashes = secretHashes(item, secretDates);
    Optional<List<Entitlement>> entitlements = entitlements(item);
    ok &= secretHashes != null && entitlements.isPresent();
    return ok
        ? Optional.of(
            new Provisioning.AccountSpec(
                clientId,
                canonical(participant),
                enabled,
                roles,
                tokenLifetime,
                secret,
                secretHashes,
                entitlements.get(),
                secretDates))
        : Optional.empty();
  }

  /** The {@code entitlements} of an account or participant; empty when any has a problem. */
  private Optional<List<Entitlement>> entitlements(Item owner) {
    boolean ok = true;
    List<Entitlement> entitlements = new ArrayList<>();
    Set<String> entitled = new HashSet<>();
    int before = problems.size();
    for (Item e : items(owner.node.get("entitlements"), owner.path + ".entitlements")) {
      Optional<Entitlement> entitlement = entitlement(e);
      if (entitlement.isEmpty()) {
        ok = false;
      } else if (!entitled.add(entitlement.get().entity())) {
        problems.add(e.path + ".entity: '" + entitlement.get().entity() + "' is entitled twice");
        ok = false;
      } else {
        entitlements.add(entitlement.get());
      }
    }
    return ok && problems.size() == before ? Optional.of(entitlements) : Optional.empty();
  }

  /** The account's admin roles: none when absent, {@code null} when any is unknown. */
  private Set<Role> roles(Item item) {
    JsonNode list = item.node.get("roles");
    String path = item.path + ".roles";
    Set<Role> roles = EnumSet.noneOf(Role.class);
    if (!isPresent(list)) {
      return roles;
    }
    if (!list.isArray()) {
      problems.add(path + ": expected a list of " + ROLE_NAMES);
      return null;
    }
    boolean ok = true;
    for (int i = 0; i < list.size(); i++) {
      Role role = list.get(i).isTextual() ? Role.fromWireName(list.get(i).textValue()) : null;
      if (role == null) {
        problems.add(
            path + "[" + i + "]: '" + list.get(i).asText() + "' is not one of " + ROLE_NAMES);
        ok = false;
      } else {
        roles.add(role);
      }
    }
    return ok ? roles : null;
  }

  /** The account's token lifetime; {@code null} when absent (the service's default). */
  private Duration tokenLifetime(Item item) {
    JsonNode value = item.node.get("tokenLifetimeSeconds");
    if (!isPresent(value)) {
      return null;
    }
    String range =
        ServiceAccount.MIN_TOKEN_LIFETIME.toSeconds()
            + ".."
            + ServiceAccount.MAX_TOKEN_LIFETIME.toSeconds();
    if (!value.isIntegralNumber()) {
      problems.add(item.path + ".tokenLifetimeSeconds: expected a whole number, " + range);
      return null;
    }
    Duration lifetime =
        value.canConvertToLong() ? Duration.ofSeconds(value.longValue()) : Duration.ZERO;
    if (!ServiceAccount.isValidTokenLifetime(lifetime)) {
      problems.add(
          item.path + ".tokenLifetimeSeconds: " + value.asText() + " is not " + range + " seconds");
      return null;
    }
    return lifetime;
  }

  /**
   * The hashes of the account's secrets, from {@code secretHash} or {@code secretHashes}: empty
   * when the file gives none, {@code null} when any has a problem.
   */
  private List<String> secretHashes(
      Item item, Map<String, Provisioning.AccountSpec.SecretDates> dates) {
    String single = optionalString(item, "secretHash");
    if (single != null) {
      String problem = SecretHashes.describe(single);
      if (problem != null) {
        problems.add(item.path + ".secretHash: " + problem);
        return null;
      }
      return List.of(single);
    }
    JsonNode list = item.node.get("secretHashes");
    String path = item.path + ".secretHashes";
    if (!isPresent(list)) {
      return List.of();
    }
    if (!list.isArray() || list.isEmpty() || list.size() > AccountPolicy.MAX_SECRETS) {
      problems.add(
          path
              + ": expected a list of 1 to "
              + AccountPolicy.MAX_SECRETS
              + " hashes (an account holds at most "
              + AccountPolicy.MAX_SECRETS
              + " secrets)");
      return null;
    }
    List<String> hashes = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < list.size(); i++) {
      JsonNode hash = list.get(i);
      if (hash.isObject()) {
        // The form an export writes: {hash, created, expires}, so that a secret keeps its age.
        Item dated = new Item(path + "[" + i + "]", hash);
        Instant created = instant(dated, "created");
        Instant expires = instant(dated, "expires");
        // A secret made in the future would postpone its own expiry at will.
        if (created != null && created.isAfter(Instant.now().plus(Duration.ofDays(1)))) {
          problems.add(dated.path + ".created: " + created + " is in the future");
        }
        if (created != null && expires != null && !expires.isAfter(created)) {
          problems.add(dated.path + ".expires: " + expires + " is not after created");
        }
        hash = hash.get("hash") == null ? NullNode.getInstance() : hash.get("hash");
        if (hash.isTextual()) {
          dates.put(hash.textValue(), new Provisioning.AccountSpec.SecretDates(created, expires));
        }
      }
      String problem =
          !hash.isTextual()
              ? "expected a hash, or a mapping of hash, created and expires"
              : hashes.contains(hash.textValue())
                  ? "the same hash is listed twice"
                  : SecretHashes.describe(hash.textValue());
      if (problem != null) {
        problems.add(path + "[" + i + "]: " + problem);
        ok = false;
      } else {
        hashes.add(hash.textValue());
      }
    }
    return ok ? hashes : null;
  }

  /** An optional RFC 3339 time. */
  private Instant instant(Item item, String field) {
    JsonNode value = item.node.get(field);
    if (!isPresent(value)) {
      return null;
    }
    try {
      Instant at = Instant.parse(value.asText());
      if (at.isBefore(Instant.EPOCH) || at.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
        problems.add(item.path + "." + field + ": '" + value.asText() + "' is outside 1970..9999");
        return null;
      }
      return at;
    } catch (DateTimeParseException e) {
      problems.add(
          item.path
              + "."
              + field
              + ": '"
              + value.asText()
              + "' is not a time like 2026-11-30T10:00:00Z");
      return null;
    }
  }

  private Optional<Entitlement> entitlement(Item item) {
    String entityName = requiredString(item, "entity");
    Set<String> participants = participantIds(item);
    Set<Operation> operations = operations(item, "operations");
    if (entityName == null) {
      return Optional.empty();
    }
    if (entityName.equals(Role.ADMIN_ENTITY)) {
      problems.add(
          item.path
              + ".entity: "
              + Role.ADMIN_ENTITY
              + " is granted by roles ("
              + ROLE_NAMES
              + "), not by an entitlement");
      return Optional.empty();
    }
    Entity entity = entitiesInFile.get(entityName);
    if (entity == null) {
      entity = existingEntity.apply(entityName).orElse(null);
    }
    if (entity == null) {
      problems.add(item.path + ".entity: unknown entity '" + entityName + "'");
      return Optional.empty();
    }
    if (participants == null || operations == null) {
      return Optional.empty();
    }
    Set<Operation> extra = EnumSet.noneOf(Operation.class);
    extra.addAll(operations);
    extra.removeAll(entity.operations());
    if (!extra.isEmpty()) {
      problems.add(
          item.path
              + ".operations: "
              + names(extra)
              + " not offered by entity '"
              + entityName
              + "' (it offers "
              + names(entity.operations())
              + ")");
      return Optional.empty();
    }
    return Optional.of(new Entitlement(canonical(entityName), participants, operations));
  }

  private Set<String> participantIds(Item item) {
    JsonNode list = item.node.get("participants");
    String path = item.path + ".participants";
    if (list == null || list.isNull()) {
      problems.add(path + ": required");
      return null;
    }
    if (!list.isArray() || list.isEmpty()) {
      problems.add(path + ": expected a non-empty list of participant IDs");
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    boolean ok = true;
    for (int i = 0; i < list.size(); i++) {
      JsonNode id = list.get(i);
      if (!id.isTextual() || !Participant.isValidId(id.textValue())) {
        problems.add(path + "[" + i + "]: '" + id.asText() + "' is not 1-10 of [A-Z0-9]");
        ok = false;
      } else if (!knownParticipant(id.textValue())) {
        problems.add(path + "[" + i + "]: unknown participant '" + id.textValue() + "'");
        ok = false;
      } else {
        out.add(canonical(id.textValue()));
      }
    }
    return ok ? out : null;
  }

  private Set<Operation> operations(Item item, String field) {
    JsonNode list = item.node.get(field);
    String path = item.path + "." + field;
    if (list == null || list.isNull()) {
      problems.add(path + ": required");
      return null;
    }
    if (!list.isArray() || list.isEmpty()) {
      problems.add(path + ": expected a non-empty list of create, read, update, delete, execute");
      return null;
    }
    Set<Operation> out = EnumSet.noneOf(Operation.class);
    boolean ok = true;
    for (int i = 0; i < list.size(); i++) {
      Operation op =
          list.get(i).isTextual() ? Operation.fromWireName(list.get(i).textValue()) : null;
      if (op == null) {
        problems.add(
            path
                + "["
                + i
                + "]: '"
                + list.get(i).asText()
                + "' is not one of create, read, update, delete, execute");
        ok = false;
      } else {
        out.add(op);
      }
    }
    return ok ? out : null;
  }

  private boolean knownParticipant(String id) {
    return participantsInFile.contains(id) || participantExists.test(id);
  }

  private static boolean isPresent(JsonNode value) {
    return value != null && !value.isNull();
  }

  private String requiredString(Item item, String field) {
    JsonNode value = item.node.get(field);
    if (value == null || value.isNull()) {
      problems.add(item.path + "." + field + ": required");
      return null;
    }
    if (!value.isTextual() || value.textValue().isBlank()) {
      problems.add(item.path + "." + field + ": expected a non-empty string");
      return null;
    }
    return value.textValue();
  }

  private String optionalString(Item item, String field) {
    JsonNode value = item.node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      problems.add(item.path + "." + field + ": expected a string");
      return null;
    }
    return value.textValue();
  }

  private static String names(Set<Operation> operations) {
    return String.join(", ", operations.stream().map(Operation::wireName).toList());
  }
}
