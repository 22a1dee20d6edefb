package io.idxauth.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;

/**
 * Failed authentications, counted per client_id and per source address, in memory.
 *
 * <p>A client_id that fails {@code lockoutThreshold} times in a row is locked for {@code
 * lockoutDuration}: even its correct secret is refused. The count is kept for every client_id
 * presented, known or not, so that locking says nothing about which accounts exist. Anyone who
 * knows a client_id can lock it; the per-source limit bounds how much one address can try, and both
 * are refused before any slow hash is paid.
 */
public final class Lockouts {

  /** Consecutive failures of one client_id, and the lock they set. */
  private record Failures(int count, Instant lockedUntil) {}

  /** Failures from one source address in the window that started at {@code start}. */
  private record Window(Instant start, int count) {}

  private final AccountPolicy policy;
  private final Cache<String, Failures> byClient;
  private final Cache<String, Window> bySource;

  public Lockouts(AccountPolicy policy, long maxTracked) {
    this.policy = policy;
    // Each failure rewrites the entry: a count with no failure for a lockout period is forgotten.
    this.byClient =
        Caffeine.newBuilder()
            .maximumSize(maxTracked)
            .expireAfterWrite(positive(policy.lockoutDuration()))
            .build();
    this.bySource =
        Caffeine.newBuilder()
            .maximumSize(maxTracked)
            .expireAfterWrite(positive(policy.sourceWindow()))
            .build();
  }

  /**
   * The refusal a request gets before its secret is looked at: {@code LOCKED}, {@code
   * SOURCE_LIMITED}, or {@code null} to go on.
   */
  public ClientAuthenticator.Refusal check(String clientId, String source, Instant now) {
    if (lockedUntil(clientId, now) != null) {
      return ClientAuthenticator.Refusal.LOCKED;
    }
    if (policy.sourceFailureLimit() > 0) {
      Window window = bySource.getIfPresent(source);
      if (window != null
          && window.count() >= policy.sourceFailureLimit()
          && now.isBefore(window.start().plus(policy.sourceWindow()))) {
        return ClientAuthenticator.Refusal.SOURCE_LIMITED;
      }
    }
    return null;
  }

  /** Counts a wrong secret or an unknown client_id presented from {@code source}. */
  public void failed(String clientId, String source, Instant now) {
    if (policy.lockoutThreshold() > 0) {
      byClient
          .asMap()
          .compute(
              clientId,
              (id, held) -> {
                int count = held == null || held.lockedUntil() != null ? 1 : held.count() + 1;
                Instant lock =
                    count >= policy.lockoutThreshold() ? now.plus(policy.lockoutDuration()) : null;
                return new Failures(count, lock);
              });
    }
    if (policy.sourceFailureLimit() > 0) {
      bySource
          .asMap()
          .compute(
              source,
              (s, held) ->
                  held == null || !now.isBefore(held.start().plus(policy.sourceWindow()))
                      ? new Window(now, 1)
                      : new Window(held.start(), held.count() + 1));
    }
  }

  /** A correct secret ends the run of failures. */
  public void succeeded(String clientId) {
    if (byClient.getIfPresent(clientId) != null) {
      byClient.invalidate(clientId);
    }
  }

  /** Until when {@code clientId} is locked, or {@code null} when it is not. */
  public Instant lockedUntil(String clientId, Instant now) {
    Failures failures = byClient.getIfPresent(clientId);
    return failures != null
            && failures.lockedUntil() != null
            && now.isBefore(failures.lockedUntil())
        ? failures.lockedUntil()
        : null;
  }

  /** Lifts a lock (an administrator's decision). */
  public void unlock(String clientId) {
    byClient.invalidate(clientId);
  }

  private static Duration positive(Duration d) {
    return d.isZero() ? Duration.ofMillis(1) : d;
  }
}
