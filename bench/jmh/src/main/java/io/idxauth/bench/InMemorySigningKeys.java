package io.idxauth.bench;

import io.idxauth.core.SealedSigningKey;
import io.idxauth.core.SigningKeyRepository;
import java.util.ArrayList;
import java.util.List;

/** A {@link SigningKeyRepository} in memory, for benchmarks that open a KeyRing without a store. */
final class InMemorySigningKeys implements SigningKeyRepository {

  private final List<SealedSigningKey> keys = new ArrayList<>();

  @Override
  public synchronized List<SealedSigningKey> signingKeys() {
    return List.copyOf(keys);
  }

  @Override
  public synchronized boolean addSigningKey(SealedSigningKey key, int expectedCount) {
    if (keys.size() != expectedCount) {
      return false;
    }
    keys.add(key);
    return true;
  }
}
