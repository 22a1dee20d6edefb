package io.idxauth.core;

import java.util.List;

/** Where signing keys are kept; implemented by the store. */
public interface SigningKeyRepository {

  List<SealedSigningKey> signingKeys();

  /**
   * Adds a key unless another key was added since {@code expectedCount} keys were seen, so that of
   * two processes racing to create the first key exactly one wins.
   *
   * @return true when this key was added
   */
  boolean addSigningKey(SealedSigningKey key, int expectedCount);
}
