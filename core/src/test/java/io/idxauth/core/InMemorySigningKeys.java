package io.idxauth.core;

import java.util.ArrayList;
import java.util.List;

/** A {@link SigningKeyRepository} over a list, with the store's compare-and-add. */
class InMemorySigningKeys implements SigningKeyRepository {

  final List<SealedSigningKey> keys = new ArrayList<>();

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
