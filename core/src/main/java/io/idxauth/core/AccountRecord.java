package io.idxauth.core;

import java.util.List;
import java.util.Objects;

/** A service account with everything the token path needs about it, read in one go. */
public record AccountRecord(
    ServiceAccount account, List<ClientSecret> secrets, List<Entitlement> entitlements) {

  public AccountRecord {
    Objects.requireNonNull(account, "account");
    secrets = List.copyOf(secrets);
    entitlements = List.copyOf(entitlements);
  }
}
