package io.idxauth.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Failed authentications counted where every instance of the service sees them: the shared record
 * behind {@link Lockouts}. Each count is one atomic change, so failures spread over several
 * instances add up to the same threshold as on one.
 *
 * <p>Every row carries the time of its last change, {@code updatedAt}, which only ever grows: an
 * instance that holds a row keeps the one changed last. A reset or an unlock leaves a row with no
 * failures, rather than none, so that the instances reading the changes learn of it; {@link #purge}
 * removes such rows once they are past their use.
 *
 * <p>Every method may throw when the ledger cannot be reached; {@link Lockouts} then counts in
 * memory.
 */
public interface LockoutLedger {

  /**
   * The failures of one client_id: {@code failures} in a row, and the lock they set ({@code null}
   * for none, or one that has ended).
   */
  record ClientFailures(String clientId, int failures, Instant lockedUntil, Instant updatedAt) {}

  /** The failures from one source key in the window that started at {@code windowStart}. */
  record SourceFailures(String sourceKey, Instant windowStart, int failures, Instant updatedAt) {}

  /** The rows changed since a time. */
  record Changes(List<ClientFailures> clients, List<SourceFailures> sources) {}

  /**
   * Counts one failure of {@code clientId} at {@code now}, and locks it until {@code now + lockout}
   * when that makes {@code threshold} in a row. A lock that is still on is neither reset nor
   * extended; a lock that has ended, or a run with no failure for {@code lockout}, starts again at
   * one.
   *
   * @return the row as the count left it
   */
  ClientFailures clientFailed(String clientId, Instant now, int threshold, Duration lockout);

  /**
   * Counts one failure from {@code sourceKey} at {@code now}, in a new window if the last one
   * started {@code window} ago or more.
   *
   * @return the row as the count left it
   */
  SourceFailures sourceFailed(String sourceKey, Instant now, Duration window);

  /**
   * Ends the runs of failures of clients that then authenticated, each at the instant given: a run
   * changed after that instant (a failure elsewhere since), or locked at {@code now}, is kept.
   */
  void reset(Map<String, Instant> succeeded, Instant now);

  /**
   * Lifts the lock of {@code clientId} and clears its failures.
   *
   * @return the row as the unlock left it, or {@code null} when there was none
   */
  ClientFailures unlock(String clientId, Instant now);

  /** The rows changed at or after {@code since}, resets and unlocks included. */
  Changes changedSince(Instant since);

  /**
   * Removes the rows nobody needs at {@code now}: clients with no live lock and no change for
   * {@code lockout}, sources whose window of length {@code window} has ended.
   *
   * @return how many rows were removed
   */
  int purge(Instant now, Duration lockout, Duration window);
}
