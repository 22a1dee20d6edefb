package io.idxauth.core;

import java.util.Locale;

/** What an account may do with an entity, as named in the provisioning file and in tokens. */
public enum Operation {
  CREATE,
  READ,
  UPDATE,
  DELETE,
  EXECUTE;

  /** The lower-case name used on the wire and in files. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; {@code null} when the name is not an operation. */
  public static Operation fromWireName(String name) {
    for (Operation op : values()) {
      if (op.wireName().equals(name)) {
        return op;
      }
    }
    return null;
  }
}
