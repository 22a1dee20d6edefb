package io.idxauth.store;

import io.idxauth.core.BusinessFunction;
import io.idxauth.core.EntityKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Period;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalogue of the Business Function Information API: the entities of kind business-function,
 * with their titles and resources. Held in memory whole (tens of entries, a few kilobytes) and read
 * again on the first use after {@link #invalidate()}, which the service calls when it sees the
 * store's revision change (as {@link CachedDirectory} does for the token path), so a call costs no
 * database round trip and an import shows within the revision poll.
 */
public final class BusinessFunctions {

  private static final Logger LOG = LoggerFactory.getLogger(BusinessFunctions.class);

  /** What was loaded, and at which generation of {@link #invalidate()}. */
  private record Loaded(
      long generation, List<BusinessFunction> all, Map<String, BusinessFunction> byId) {}

  private final JdbcStore store;
  private final AtomicLong generation = new AtomicLong();
  private volatile Loaded loaded;

  public BusinessFunctions(JdbcStore store) {
    this.store = store;
  }

  /** Every business function, by id. */
  public List<BusinessFunction> all() {
    return current().all();
  }

  public Optional<BusinessFunction> get(String id) {
    return Optional.ofNullable(current().byId().get(id));
  }

  /** Forgets what was loaded: the next read goes to the store. */
  public void invalidate() {
    generation.incrementAndGet();
  }

  private Loaded current() {
    Loaded known = loaded;
    // Read before loading: a load that overlaps an invalidation is kept under the old
    // generation, so the next call loads again.
    long now = generation.get();
    if (known != null && known.generation() == now) {
      return known;
    }
    List<BusinessFunction> all = store.read(BusinessFunctions::load);
    Map<String, BusinessFunction> byId = new HashMap<>();
    all.forEach(f -> byId.put(f.id(), f));
    Loaded fresh = new Loaded(now, all, Map.copyOf(byId));
    loaded = fresh;
    return fresh;
  }

  private static List<BusinessFunction> load(Connection c) throws SQLException {
    Map<String, Provisioning.Catalogue> catalogues = catalogues(c);
    List<BusinessFunction> out = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement("SELECT name, title, description FROM entity WHERE kind = ?")) {
      s.setString(1, EntityKind.BUSINESS_FUNCTION.wireName());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          Provisioning.Catalogue catalogue =
              catalogues.getOrDefault(r.getString(1), Provisioning.Catalogue.NONE);
          out.add(
              new BusinessFunction(
                  r.getString(1), r.getString(2), r.getString(3), catalogue.resources()));
        }
      }
    }
    // Sorted here, not by ORDER BY: SQLite and PostgreSQL collate text differently.
    out.sort(Comparator.comparing(BusinessFunction::id));
    return out;
  }

  // --- rows, for the importer and the exporter -------------------------------------------------

  /** The title and resources of every entity that has either, by entity name. */
  static Map<String, Provisioning.Catalogue> catalogues(Connection c) throws SQLException {
    Map<String, String> titles = new HashMap<>();
    try (PreparedStatement s =
            c.prepareStatement("SELECT name, title FROM entity WHERE title IS NOT NULL");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        titles.put(r.getString(1), r.getString(2));
      }
    }
    Map<String, List<BusinessFunction.Resource>> resources = new HashMap<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT entity_name, resource, schema_versions, payload_types, retention"
                    + " FROM business_function_resource");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        String entity = r.getString(1);
        resource(r)
            .ifPresent(
                resource ->
                    resources.computeIfAbsent(entity, k -> new ArrayList<>()).add(resource));
      }
    }
    Map<String, Provisioning.Catalogue> out = new HashMap<>();
    titles.forEach((name, title) -> out.put(name, new Provisioning.Catalogue(title, List.of())));
    resources.forEach(
        (name, list) -> out.put(name, new Provisioning.Catalogue(titles.get(name), list)));
    return out;
  }

  /** The title and resources of {@code entity}. */
  static Provisioning.Catalogue catalogue(Connection c, String entity) throws SQLException {
    String title = null;
    try (PreparedStatement s = c.prepareStatement("SELECT title FROM entity WHERE name = ?")) {
      s.setString(1, entity);
      try (ResultSet r = s.executeQuery()) {
        if (r.next()) {
          title = r.getString(1);
        }
      }
    }
    List<BusinessFunction.Resource> resources = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT entity_name, resource, schema_versions, payload_types, retention"
                + " FROM business_function_resource WHERE entity_name = ?")) {
      s.setString(1, entity);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          resource(r).ifPresent(resources::add);
        }
      }
    }
    return new Provisioning.Catalogue(title, resources);
  }

  /** Gives {@code entity} (which exists) exactly {@code wanted}; true when that changed it. */
  static boolean replace(Connection c, String entity, Provisioning.Catalogue wanted)
      throws SQLException {
    Provisioning.Catalogue held = catalogue(c, entity);
    if (held.equals(wanted)) {
      return false;
    }
    if (!Objects.equals(held.title(), wanted.title())) {
      try (PreparedStatement s = c.prepareStatement("UPDATE entity SET title = ? WHERE name = ?")) {
        s.setString(1, wanted.title());
        s.setString(2, entity);
        s.executeUpdate();
      }
    }
    if (!held.resources().equals(wanted.resources())) {
      try (PreparedStatement s =
          c.prepareStatement("DELETE FROM business_function_resource WHERE entity_name = ?")) {
        s.setString(1, entity);
        s.executeUpdate();
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO business_function_resource"
                  + " (entity_name, resource, schema_versions, payload_types, retention)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        for (BusinessFunction.Resource r : wanted.resources()) {
          s.setString(1, entity);
          s.setString(2, r.resource());
          s.setString(3, String.join(",", r.schemaVersions()));
          s.setString(4, String.join(",", r.payloadTypes()));
          s.setString(5, r.retention().toString());
          s.addBatch();
        }
        s.executeBatch();
      }
    }
    return true;
  }

  /**
   * A resource from a row of entity_name, resource, schema_versions, payload_types, retention;
   * empty (and a warning) for a row no import could have written.
   */
  private static Optional<BusinessFunction.Resource> resource(ResultSet r) throws SQLException {
    try {
      return Optional.of(
          new BusinessFunction.Resource(
              r.getString(2),
              List.of(r.getString(3).split(",")),
              List.of(r.getString(4).split(",")),
              Period.parse(r.getString(5))));
    } catch (RuntimeException e) {
      LOG.warn(
          "resource {} of business function {} is not valid and is left out: {}",
          r.getString(2),
          r.getString(1),
          e.getMessage());
      return Optional.empty();
    }
  }
}
