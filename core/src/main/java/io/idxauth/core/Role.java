package io.idxauth.core;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** An administrative role an account can hold; the admin API's rights come from these alone. */
public enum Role {
  /** Everything: every participant, entity, account and key, and every role. */
  OPERATOR_ADMIN("operator-admin"),
  /** Its own participant's accounts, granting only what its participant holds. */
  PARTICIPANT_ADMIN("participant-admin");

  /** The reserved entity a token must be scoped to for the admin API; granted by a role. */
  public static final String ADMIN_ENTITY = "idx-admin";

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Parses a wire name; {@code null} when the name is not a role. */
  public static Role fromWireName(String name) {
    for (Role role : values()) {
      if (role.wireName.equals(name)) {
        return role;
      }
    }
    return null;
  }

  public static Set<Role> copyOf(Collection<Role> roles) {
    return roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
  }

  public static String join(Set<Role> roles) {
    return roles.stream().map(Role::wireName).collect(Collectors.joining(","));
  }
}
