package io.idxauth.core;

import java.util.Objects;
import java.util.regex.Pattern;

/** A participant organisation of the market, identified by its participant ID. */
public record Participant(String id, String name) {

  private static final Pattern ID = Pattern.compile("[A-Z0-9]{1,10}");

  public Participant {
    Objects.requireNonNull(name, "name");
    if (!isValidId(id)) {
      throw new IllegalArgumentException("participant id must be 1-10 of [A-Z0-9]: " + id);
    }
  }

  /** True when {@code id} is 1 to 10 characters of {@code [A-Z0-9]}. */
  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }
}
