package io.idxauth.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.EntityKind;
import io.idxauth.core.Operation;
import io.idxauth.core.Participant;
import io.idxauth.core.SecretHashes;
import io.idxauth.core.ServiceAccount;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads and validates a declarative provisioning file (YAML). A file with any problem is refused
 * whole, with every problem named by its path, e.g. {@code accounts[0].entitlements[1].entity:
 * unknown entity 'xyz'}. Fields the file format does not know are ignored.
 */
public final class ProvisioningFile {

  /** What is already in the store, for references the file does not define itself. */
  public interface Existing {
    boolean participantExists(String id);

    Optional<Entity> entity(String name);
  }

  private final List<String> problems = new ArrayList<>();
  private final Map<String, Entity> entitiesInFile = new HashMap<>();
  private final Set<String> participantsInFile = new HashSet<>();
  private final Predicate<String> participantExists;
  private final Function<String, Optional<Entity>> existingEntity;

  private ProvisioningFile(Existing existing) {
    this.participantExists = existing::participantExists;
    this.existingEntity = existing::entity;
  }

  public static Provisioning read(Path file, Existing existing)
      throws InvalidProvisioningException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, existing);
    } catch (IOException e) {
      throw new InvalidProvisioningException(List.of(file + ": cannot read: " + e.getMessage()));
    }
  }

  public static Provisioning parse(InputStream yaml, Existing existing)
      throws InvalidProvisioningException {
    JsonNode root;
    try {
      root = SafeYaml.read(yaml.readAllBytes());
    } catch (SafeYaml.Invalid e) {
      throw new InvalidProvisioningException(List.of("(file): " + e.getMessage()));
    } catch (IOException e) {
      throw new InvalidProvisioningException(List.of("(file): cannot read: " + e.getMessage()));
    }
    return new ProvisioningFile(existing).validate(root);
  }

  private Provisioning validate(JsonNode root) throws InvalidProvisioningException {
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new InvalidProvisioningException(List.of("(file): the file is empty"));
    }
    if (!root.isObject()) {
      throw new InvalidProvisioningException(
          List.of("(file): expected a mapping with participants, entities and accounts"));
    }
    List<Participant> participants = new ArrayList<>();
    for (Item item : items(root, "participants")) {
      participant(item).ifPresent(participants::add);
    }
    List<Entity> entities = new ArrayList<>();
    for (Item item : items(root, "entities")) {
      entity(item).ifPresent(entities::add);
    }
    List<Provisioning.AccountSpec> accounts = new ArrayList<>();
    Set<String> clientIds = new HashSet<>();
    for (Item item : items(root, "accounts")) {
      account(item, clientIds).ifPresent(accounts::add);
    }
    if (!problems.isEmpty()) {
      throw new InvalidProvisioningException(problems);
    }
    return new Provisioning(participants, entities, accounts);
  }

  private record Item(String path, JsonNode node) {}

  private List<Item> items(JsonNode parent, String field) {
    return items(parent, field, field);
  }

  private List<Item> items(JsonNode parent, String field, String path) {
    JsonNode list = parent.get(field);
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
    } else if (name != null && entitiesInFile.containsKey(name)) {
      problems.add(item.path + ".name: entity '" + name + "' is listed twice");
      ok = false;
    }
    EntityKind kind = kindName == null ? null : EntityKind.fromWireName(kindName);
    if (kindName != null && kind == null) {
      problems.add(item.path + ".kind: '" + kindName + "' is not business-function or idx-service");
      ok = false;
    }
    if (!ok) {
      return Optional.empty();
    }
    Entity entity = new Entity(name, kind, description, operations);
    entitiesInFile.put(name, entity);
    return Optional.of(entity);
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
    String secret = optionalString(item, "secret");
    String secretHash = optionalString(item, "secretHash");
    if (secret != null && secretHash != null) {
      problems.add(item.path + ": give either secret or secretHash, not both");
      ok = false;
    }
    if (secret != null && secret.isEmpty()) {
      problems.add(item.path + ".secret: must not be empty");
      ok = false;
    }
    if (secretHash != null && SecretHashes.describe(secretHash) != null) {
      problems.add(item.path + ".secretHash: " + SecretHashes.describe(secretHash));
      ok = false;
    }
    List<Entitlement> entitlements = new ArrayList<>();
    Set<String> entitled = new HashSet<>();
    for (Item e : items(item.node, "entitlements", item.path + ".entitlements")) {
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
    return ok
        ? Optional.of(
            new Provisioning.AccountSpec(
                clientId, participant, enabled, secret, secretHash, entitlements))
        : Optional.empty();
  }

  private Optional<Entitlement> entitlement(Item item) {
    String entityName = requiredString(item, "entity");
    Set<String> participants = participantIds(item);
    Set<Operation> operations = operations(item, "operations");
    if (entityName == null) {
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
    return Optional.of(new Entitlement(entityName, participants, operations));
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
        out.add(id.textValue());
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
