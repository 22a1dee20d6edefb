package io.idxauth.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a token request resolved to: the entitlements granted, in request order, and the requested
 * names that were dropped because the account holds no entitlement to them or they do not exist.
 */
public record Grant(List<Entitlement> granted, List<String> dropped) {

  public static final Grant NONE = new Grant(List.of(), List.of());

  public Grant {
    granted = List.copyOf(granted);
    dropped = List.copyOf(dropped);
  }

  public boolean isEmpty() {
    return granted.isEmpty();
  }

  /** The granted entity names as an RFC 6749 §3.3 scope string, or {@code null} when none. */
  public String scope() {
    return granted.isEmpty()
        ? null
        : granted.stream().map(Entitlement::entity).collect(Collectors.joining(" "));
  }
}
