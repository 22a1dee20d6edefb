package io.idxauth.core;

import java.util.Collection;
import java.util.List;

/**
 * Where signing keys are kept; implemented by the store. Several processes may share one store, so
 * every write that depends on what was read is a compare-and-set in one transaction.
 */
public interface SigningKeyRepository {

  List<SealedSigningKey> signingKeys();

  /**
   * Adds a key unless another key was added since {@code expectedCount} keys were seen, so that of
   * two processes racing to create the first key exactly one wins.
   *
   * @return true when this key was added
   */
  boolean addSigningKey(SealedSigningKey key, int expectedCount);

  /**
   * Rotates to {@code next} unless another key became the newest since {@code expectedNewestKid}
   * was seen, so that of two processes racing to rotate exactly one wins. In one transaction: every
   * other key that would still sign at {@code next.activates()} gets that instant as its {@code
   * retires}, and {@code next} is added.
   *
   * <p>The newest key is the one with the latest {@code activates}, the greatest kid among equals.
   *
   * @param expectedNewestKid the newest key when the caller decided to rotate; {@code null} when it
   *     saw no key at all
   * @return true when {@code next} was added
   */
  boolean rotate(SealedSigningKey next, String expectedNewestKid);

  /**
   * Deletes these keys, private parts included, in one transaction; kids already gone are skipped.
   *
   * @return how many keys were deleted
   */
  int removeSigningKeys(Collection<String> kids);
}
