package io.idxauth.core;

/** The two kinds of entity a token can be scoped to. */
public enum EntityKind {
  BUSINESS_FUNCTION("business-function"),
  IDX_SERVICE("idx-service");

  private final String wireName;

  EntityKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Parses a wire name; {@code null} when the name is not a kind. */
  public static EntityKind fromWireName(String name) {
    for (EntityKind kind : values()) {
      if (kind.wireName.equals(name)) {
        return kind;
      }
    }
    return null;
  }
}
