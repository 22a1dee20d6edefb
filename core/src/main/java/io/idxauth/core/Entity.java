package io.idxauth.core;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A business function or IDX service: the unit a client names in {@code scope}, with the operations
 * it offers.
 */
public record Entity(String name, EntityKind kind, String description, Set<Operation> operations) {

  /** An entity name must be a valid RFC 6749 §3.3 scope-token; we keep to a readable subset. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public Entity {
    if (!isValidName(name)) {
      throw new IllegalArgumentException("entity name must match " + NAME.pattern() + ": " + name);
    }
    Objects.requireNonNull(kind, "kind");
    description = description == null ? "" : description;
    operations =
        Collections.unmodifiableSet(
            operations.isEmpty() ? EnumSet.noneOf(Operation.class) : EnumSet.copyOf(operations));
  }

  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  public static String namePattern() {
    return NAME.pattern();
  }
}
