package io.idxauth.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** A {@link SigningKeyRepository} over a list, with the store's compare-and-set writes. */
class InMemorySigningKeys implements SigningKeyRepository {

  final List<SealedSigningKey> keys = new ArrayList<>();

  /** Counts the writes that changed keys, as the store's revision does. */
  int revision;

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
    revision++;
    return true;
  }

  @Override
  public synchronized boolean rotate(SealedSigningKey next, String expectedNewestKid) {
    String newest =
        keys.stream()
            .max(SealedSigningKey.ACTIVATION_ORDER)
            .map(SealedSigningKey::kid)
            .orElse(null);
    if (!Objects.equals(newest, expectedNewestKid)) {
      return false;
    }
    keys.replaceAll(
        k ->
            k.retires() == null || k.retires().isAfter(next.activates())
                ? k.retiringAt(next.activates())
                : k);
    keys.add(next);
    revision++;
    return true;
  }

  @Override
  public synchronized int removeSigningKeys(Collection<String> kids) {
    int before = keys.size();
    keys.removeIf(k -> kids.contains(k.kid()));
    int removed = before - keys.size();
    if (removed > 0) {
      revision++;
    }
    return removed;
  }
}
