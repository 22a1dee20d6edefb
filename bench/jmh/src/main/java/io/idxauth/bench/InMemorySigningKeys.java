package io.idxauth.bench;

import io.idxauth.core.SealedSigningKey;
import io.idxauth.core.SigningKeyRepository;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

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

  @Override
  public synchronized boolean rotate(SealedSigningKey next, String expectedNewestKid) {
    String newest =
        keys.stream().max(SealedSigningKey.ACTIVATION_ORDER).map(SealedSigningKey::kid).orElse(null);
    if (!Objects.equals(newest, expectedNewestKid)) {
      return false;
    }
    keys.replaceAll(
        k ->
            k.retires() == null || k.retires().isAfter(next.activates())
                ? k.retiringAt(next.activates())
                : k);
    keys.add(next);
    return true;
  }

  @Override
  public synchronized int removeSigningKeys(Collection<String> kids) {
    int before = keys.size();
    keys.removeIf(k -> kids.contains(k.kid()));
    return before - keys.size();
  }
}
