package io.idxauth.store;

import io.idxauth.core.AccountRecord;
import io.idxauth.core.ClientSecret;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Entity;
import io.idxauth.core.EntityKind;
import io.idxauth.core.Operation;
import io.idxauth.core.Participant;
import io.idxauth.core.Role;
import io.idxauth.core.ServiceAccount;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Writes the whole store as a provisioning file: importing it into the same store changes nothing,
 * and importing it into an empty store makes one that exports the same text. Everything is in a
 * fixed order (participants by id, entities by name, accounts by client id, lists sorted), so two
 * exports of the same store are the same file and a diff of two exports shows what changed.
 *
 * <p>Not exported: the reserved entity {@value Role#ADMIN_ENTITY} (every store has it), when
 * secrets were made and when they expire (an import starts them afresh), and signing keys.
 */
public final class Exporter {

  static final String HEADER =
      """
      # idx-auth export: the whole store as a provisioning file for `idx-auth import`.
      # It holds the hashes of every account's secrets: keep it as safe as the store itself.
      """;

  private final JdbcStore store;

  public Exporter(JdbcStore store) {
    this.store = store;
  }

  /** The store as YAML in the format of the provisioning file. */
  public String export() {
    return yaml(read());
  }

  /** The provisioning that makes a store hold what this one holds. */
  Provisioning read() {
    // One transaction, so the export is one consistent view of the store.
    return store.write(
        c -> {
          List<Participant> participants = participants(c);
          Map<String, List<Entitlement>> holdings = new LinkedHashMap<>();
          for (Participant p : participants) {
            holdings.put(p.id(), granted(JdbcStore.holdings(c, p.id())));
          }
          List<Provisioning.AccountSpec> accounts = new ArrayList<>();
          for (String clientId : clientIds(c)) {
            JdbcStore.account(c, clientId).map(Exporter::accountSpec).ifPresent(accounts::add);
          }
          List<Entity> entities = entities(c);
          return new Provisioning(
              participants, holdings, entities, accounts, catalogue(c, entities));
        });
  }

  private static List<Participant> participants(Connection c) throws SQLException {
    List<Participant> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT id, name FROM participant");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        out.add(new Participant(r.getString(1), r.getString(2)));
      }
    }
    // Sorted here, not by ORDER BY: SQLite and PostgreSQL collate text differently.
    out.sort(Comparator.comparing(Participant::id));
    return out;
  }

  private static List<Entity> entities(Connection c) throws SQLException {
    List<Entity> out = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement("SELECT name, kind, description, operations FROM entity");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        if (!r.getString(1).equals(Role.ADMIN_ENTITY)) {
          out.add(
              new Entity(
                  r.getString(1),
                  EntityKind.fromWireName(r.getString(2)),
                  r.getString(3),
                  JdbcStore.operations(r.getString(4))));
        }
      }
    }
    out.sort(Comparator.comparing(Entity::name));
    return out;
  }

  /**
   * The title and resources of the business functions among {@code entities}: an entity that was
   * one and is now an idx-service (changed through the admin API) may still hold rows, which an
   * import of the export would refuse.
   */
  private static Map<String, Provisioning.Catalogue> catalogue(Connection c, List<Entity> entities)
      throws SQLException {
    Map<String, Provisioning.Catalogue> all = BusinessFunctions.catalogues(c);
    Map<String, Provisioning.Catalogue> out = new LinkedHashMap<>();
    for (Entity e : entities) {
      if (e.kind() == EntityKind.BUSINESS_FUNCTION && all.containsKey(e.name())) {
        out.put(e.name(), all.get(e.name()));
      }
    }
    return out;
  }

  private static List<String> clientIds(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT client_id FROM service_account");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  private static Provisioning.AccountSpec accountSpec(AccountRecord record) {
    ServiceAccount a = record.account();
    return new Provisioning.AccountSpec(
        a.clientId(),
        a.participantId(),
        a.enabled(),
        a.roles(),
        a.tokenLifetime(),
        null,
        record.secrets().stream().map(ClientSecret::hash).sorted().toList(),
        granted(record.entitlements()),
        record.secrets().stream()
            .collect(
                Collectors.toMap(
                    ClientSecret::hash,
                    secret ->
                        new Provisioning.AccountSpec.SecretDates(
                            secret.created(), secret.expires()),
                    (first, second) -> first)));
  }

  /**
   * Entitlements by entity name, without any to the reserved entity: the admin roles grant that, an
   * entitlement to it grants nothing, and an import refuses one.
   */
  private static List<Entitlement> granted(List<Entitlement> entitlements) {
    return entitlements.stream()
        .filter(e -> !e.entity().equals(Role.ADMIN_ENTITY))
        .sorted(Comparator.comparing(Entitlement::entity))
        .toList();
  }

  // --- YAML ------------------------------------------------------------------------------------

  /**
   * The provisioning as a file. Lists of names are written in flow style ({@code [a, b]}), secret
   * hashes one to a line; the YAML emitter quotes a value wherever it would otherwise read back as
   * something else ({@code '1234'}, {@code 'null'}).
   */
  static String yaml(Provisioning provisioning) {
    Fields root = new Fields();
    root.put(
        "participants",
        block(
            provisioning.participants().stream()
                .<Node>map(p -> participant(p, provisioning.holdings().get(p.id())))
                .toList()));
    root.put(
        "entities",
        block(
            provisioning.entities().stream()
                .<Node>map(e -> entity(e, provisioning.catalogue(e.name())))
                .toList()));
    root.put("accounts", block(provisioning.accounts().stream().map(Exporter::account).toList()));
    DumperOptions options = new DumperOptions();
    options.setIndent(2);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    options.setSplitLines(false);
    StringWriter out = new StringWriter();
    out.write(HEADER);
    new Yaml(options).serialize(root.node(), out);
    return out.toString();
  }

  private static Node participant(Participant p, List<Entitlement> holdings) {
    Fields fields = new Fields().put("id", text(p.id())).put("name", text(p.name()));
    if (holdings != null) {
      fields.put("entitlements", entitlements(holdings));
    }
    return fields.node();
  }

  private static Node entity(Entity e, Provisioning.Catalogue catalogue) {
    Fields fields = new Fields().put("name", text(e.name())).put("kind", text(e.kind().wireName()));
    if (!e.description().isEmpty()) {
      fields.put("description", text(e.description()));
    }
    if (catalogue.title() != null) {
      fields.put("title", text(catalogue.title()));
    }
    fields.put("operations", operations(e.operations()));
    if (!catalogue.resources().isEmpty()) {
      fields.put(
          "resources",
          block(
              catalogue.resources().stream()
                  .<Node>map(
                      r ->
                          new Fields()
                              .put("resource", text(r.resource()))
                              .put("schemaVersions", flow(r.schemaVersions()))
                              .put("payloadTypes", flow(r.payloadTypes()))
                              .put("retention", text(r.retention().toString()))
                              .node())
                  .toList()));
    }
    return fields.node();
  }

  private static Node account(Provisioning.AccountSpec a) {
    Fields fields =
        new Fields()
            .put("clientId", text(a.clientId()))
            .put("participant", text(a.participantId()))
            .put("enabled", scalar(Tag.BOOL, Boolean.toString(a.enabled())));
    if (!a.roles().isEmpty()) {
      fields.put("roles", flow(a.roles().stream().map(Role::wireName).sorted().toList()));
    }
    if (a.tokenLifetime() != null) {
      fields.put(
          "tokenLifetimeSeconds", scalar(Tag.INT, Long.toString(a.tokenLifetime().toSeconds())));
    }
    if (!a.secretHashes().isEmpty()) {
      // With the dates, so that a secret keeps its age and its rotation grace in another store.
      fields.put(
          "secretHashes",
          block(
              a.secretHashes().stream()
                  .sorted()
                  .<Node>map(
                      hash -> {
                        Provisioning.AccountSpec.SecretDates dates = a.secretDates().get(hash);
                        Fields secret = new Fields().put("hash", text(hash));
                        if (dates != null && dates.created() != null) {
                          secret.put("created", text(dates.created().toString()));
                        }
                        if (dates != null && dates.expires() != null) {
                          secret.put("expires", text(dates.expires().toString()));
                        }
                        return secret.node();
                      })
                  .toList()));
    }
    return fields.put("entitlements", entitlements(a.entitlements())).node();
  }

  private static Node entitlements(List<Entitlement> entitlements) {
    return block(
        entitlements.stream()
            .sorted(Comparator.comparing(Entitlement::entity))
            .<Node>map(
                e ->
                    new Fields()
                        .put("entity", text(e.entity()))
                        .put("participants", flow(e.participantIds().stream().sorted().toList()))
                        .put("operations", operations(e.operations()))
                        .node())
            .toList());
  }

  /** Operations in their own order: create, read, update, delete, execute. */
  private static Node operations(Set<Operation> operations) {
    return flow(operations.stream().sorted().map(Operation::wireName).toList());
  }

  private static Node text(String value) {
    return scalar(Tag.STR, value);
  }

  /** A scalar the emitter writes plain where it reads back as {@code tag}, quoted otherwise. */
  private static Node scalar(Tag tag, String value) {
    return new ScalarNode(tag, value, null, null, ScalarStyle.PLAIN);
  }

  private static Node flow(List<String> values) {
    return new SequenceNode(Tag.SEQ, values.stream().map(Exporter::text).toList(), FlowStyle.FLOW);
  }

  private static Node block(List<Node> items) {
    return new SequenceNode(Tag.SEQ, items, FlowStyle.BLOCK);
  }

  /** The fields of one mapping, in the order they are put. */
  private static final class Fields {
    private final List<NodeTuple> tuples = new ArrayList<>();

    Fields put(String key, Node value) {
      tuples.add(new NodeTuple(text(key), value));
      return this;
    }

    MappingNode node() {
      return new MappingNode(Tag.MAP, tuples, FlowStyle.BLOCK);
    }
  }
}
