package io.idxauth.core;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link LockoutLedger} in two maps, with the rules of the store's, for tests of instances that
 * share one. It can be taken out of reach ({@link #down}) or made to hang ({@link #hang}).
 */
final class InMemoryLockoutLedger implements LockoutLedger {

  private final Map<String, ClientFailures> clients = new HashMap<>();
  private final Map<String, SourceFailures> sources = new HashMap<>();
  private volatile boolean down;
  private volatile CountDownLatch hang = new CountDownLatch(0);
  private int writes;

  /** Every call fails from now on, or works again. */
  void down(boolean down) {
    this.down = down;
  }

  /** Counts wait until the latch returned is released. */
  CountDownLatch hang() {
    hang = new CountDownLatch(1);
    return hang;
  }

  /** How many writes (counts, resets, unlocks) were made. */
  synchronized int writes() {
    return writes;
  }

  synchronized ClientFailures client(String clientId) {
    return clients.get(clientId);
  }

  @Override
  public ClientFailures clientFailed(
      String clientId, Instant now, int threshold, Duration lockout) {
    awaitRelease();
    synchronized (this) {
      reachable();
      writes++;
      ClientFailures held = clients.get(clientId);
      if (held != null && held.lockedUntil() != null && now.isBefore(held.lockedUntil())) {
        return held;
      }
      int failures =
          held == null
                  || held.lockedUntil() != null
                  || !held.updatedAt().isAfter(now.minus(lockout))
              ? 1
              : held.failures() + 1;
      ClientFailures row =
          new ClientFailures(
              clientId,
              failures,
              failures >= threshold ? now.plus(lockout) : null,
              next(held == null ? null : held.updatedAt(), now));
      clients.put(clientId, row);
      return row;
    }
  }

  @Override
  public SourceFailures sourceFailed(String sourceKey, Instant now, Duration window) {
    awaitRelease();
    synchronized (this) {
      reachable();
      writes++;
      SourceFailures held = sources.get(sourceKey);
      boolean fresh = held == null || !held.windowStart().isAfter(now.minus(window));
      SourceFailures row =
          new SourceFailures(
              sourceKey,
              fresh ? now : held.windowStart(),
              fresh ? 1 : held.failures() + 1,
              next(held == null ? null : held.updatedAt(), now));
      sources.put(sourceKey, row);
      return row;
    }
  }

  @Override
  public synchronized void reset(Map<String, Instant> succeeded, Instant now) {
    reachable();
    writes++;
    succeeded.forEach(
        (clientId, at) -> {
          ClientFailures held = clients.get(clientId);
          if (held != null
              && held.failures() > 0
              && !held.updatedAt().isAfter(at)
              && (held.lockedUntil() == null || !now.isBefore(held.lockedUntil()))) {
            clients.put(clientId, cleared(held, now));
          }
        });
  }

  @Override
  public synchronized ClientFailures unlock(String clientId, Instant now) {
    reachable();
    writes++;
    ClientFailures held = clients.get(clientId);
    if (held == null) {
      return null;
    }
    ClientFailures cleared = cleared(held, now);
    clients.put(clientId, cleared);
    return cleared;
  }

  @Override
  public synchronized Changes changedSince(Instant since) {
    reachable();
    return new Changes(
        clients.values().stream().filter(c -> !c.updatedAt().isBefore(since)).toList(),
        sources.values().stream().filter(s -> !s.updatedAt().isBefore(since)).toList());
  }

  @Override
  public synchronized int purge(Instant now, Duration lockout, Duration window) {
    reachable();
    int before = clients.size() + sources.size();
    clients
        .values()
        .removeIf(
            c ->
                !c.updatedAt().isAfter(now.minus(lockout))
                    && (c.lockedUntil() == null || !now.isBefore(c.lockedUntil())));
    sources.values().removeIf(s -> !s.windowStart().isAfter(now.minus(window)));
    return before - clients.size() - sources.size();
  }

  private static ClientFailures cleared(ClientFailures held, Instant now) {
    return new ClientFailures(held.clientId(), 0, null, next(held.updatedAt(), now));
  }

  /** A row's updated_at never goes back. */
  private static Instant next(Instant held, Instant now) {
    return held != null && !held.isBefore(now) ? held.plusMillis(1) : now;
  }

  private void reachable() {
    if (down) {
      throw new IllegalStateException("ledger out of reach");
    }
  }

  private void awaitRelease() {
    try {
      hang.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
