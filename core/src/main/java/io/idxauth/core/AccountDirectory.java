package io.idxauth.core;

import java.util.Optional;

/** Where the token path looks up accounts and entities; implemented by the store, from memory. */
public interface AccountDirectory {

  Optional<AccountRecord> account(String clientId);

  Optional<Entity> entity(String name);

  /** The account if it is in memory already; never asks the store. */
  default Optional<AccountRecord> cachedAccount(String clientId) {
    return Optional.empty();
  }
}
