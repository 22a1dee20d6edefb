package io.idxauth.core;

import java.time.Period;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A business function as the Business Function Information API describes it: an entity of kind
 * business-function, the name it goes by, and the resources it exchanges.
 *
 * @param id the entity's name, the value a client puts in {@code scope}
 * @param title the name it goes by, or {@code null} for its description
 * @param description the entity's description (may be empty)
 * @param resources what it exchanges, by resource name
 */
public record BusinessFunction(
    String id, String title, String description, List<Resource> resources) {

  public BusinessFunction {
    Objects.requireNonNull(id, "id");
    description = description == null ? "" : description;
    resources = sorted(resources);
  }

  /** The name shown to callers: the title, else the description, else the id. */
  public String name() {
    if (title != null) {
      return title;
    }
    return description.isEmpty() ? id : description;
  }

  /** Resources in the one order they are stored, compared and shown in: by name. */
  public static List<Resource> sorted(List<Resource> resources) {
    return resources.stream().sorted(Comparator.comparing(Resource::resource)).toList();
  }

  /**
   * One resource of a business function: the schema versions it is offered in, the payload types
   * (media types) it is sent as, and how long the exchanged data is kept.
   *
   * @param schemaVersions in the order the operator lists them (e.g. oldest first)
   * @param payloadTypes media types without parameters, e.g. {@code application/json}
   * @param retention a positive period of years, months and days, e.g. P7Y
   */
  public record Resource(
      String resource, List<String> schemaVersions, List<String> payloadTypes, Period retention) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SCHEMA_VERSION =
        Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,31}");
    // RFC 6838 §4.2 type "/" subtype, restricted-name characters, no parameters.
    private static final Pattern MEDIA_TYPE =
        Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

    public Resource {
      if (!isValidName(resource)) {
        throw new IllegalArgumentException("resource name must match " + NAME.pattern());
      }
      schemaVersions = distinct("schema versions", schemaVersions);
      payloadTypes = distinct("payload types", payloadTypes);
      if (!schemaVersions.stream().allMatch(Resource::isValidSchemaVersion)) {
        throw new IllegalArgumentException("schema versions must match " + SCHEMA_VERSION);
      }
      if (!payloadTypes.stream().allMatch(Resource::isValidPayloadType)) {
        throw new IllegalArgumentException("payload types must be media types type/subtype");
      }
      if (!isValidRetention(retention)) {
        throw new IllegalArgumentException("retention must be a positive period: " + retention);
      }
    }

    public static boolean isValidName(String name) {
      return name != null && NAME.matcher(name).matches();
    }

    public static String namePattern() {
      return NAME.pattern();
    }

    public static boolean isValidSchemaVersion(String version) {
      return version != null && SCHEMA_VERSION.matcher(version).matches();
    }

    public static String schemaVersionPattern() {
      return SCHEMA_VERSION.pattern();
    }

    /** A media type {@code type/subtype} (RFC 6838 §4.2), without parameters. */
    public static boolean isValidPayloadType(String mediaType) {
      return mediaType != null && MEDIA_TYPE.matcher(mediaType).matches();
    }

    /** Longer than nothing, and no part of it negative. */
    public static boolean isValidRetention(Period retention) {
      return retention != null
          && !retention.isZero()
          && retention.getYears() >= 0
          && retention.getMonths() >= 0
          && retention.getDays() >= 0;
    }

    private static List<String> distinct(String what, List<String> values) {
      List<String> copy = List.copyOf(values);
      if (copy.isEmpty()) {
        throw new IllegalArgumentException(what + " must not be empty");
      }
      if (new HashSet<>(copy).size() != copy.size()) {
        throw new IllegalArgumentException(what + " must not repeat: " + copy);
      }
      return copy;
    }
  }
}
