package io.idxauth.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** An {@link AccountDirectory} held in two maps, for tests of the token path. */
final class InMemoryDirectory implements AccountDirectory {

  private final Map<String, AccountRecord> accounts = new HashMap<>();
  private final Map<String, Entity> entities = new HashMap<>();

  InMemoryDirectory with(Entity entity) {
    entities.put(entity.name(), entity);
    return this;
  }

  InMemoryDirectory with(AccountRecord account) {
    accounts.put(account.account().clientId(), account);
    return this;
  }

  @Override
  public Optional<AccountRecord> account(String clientId) {
    return Optional.ofNullable(accounts.get(clientId));
  }

  @Override
  public Optional<Entity> entity(String name) {
    return Optional.ofNullable(entities.get(name));
  }
}
