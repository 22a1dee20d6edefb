package io.idxauth.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed authentications, counted per client_id and per source address.
 *
 * <p>A client_id that fails {@code lockoutThreshold} times in a row is locked for {@code
 * lockoutDuration}: even its correct secret is refused. The count is kept for every client_id
 * presented, known or not, so that locking says nothing about which accounts exist. Anyone who
 * knows a client_id can lock it; the per-source limit bounds how much one address can try, and both
 * are refused before any slow hash is paid.
 *
 * <p>The token path reads the counts from memory: a lock check is a map lookup, never a query. With
 * a {@link LockoutLedger} the instances on one store share them. Each failure is counted in the
 * ledger, atomically, and this instance keeps the row the count left, so the instance whose failure
 * sets a lock knows it at once; the others read it within one {@code syncInterval}. A success that
 * ends a run of failures is reset in the ledger in the background, and an unlock clears the row.
 * When the ledger cannot be reached, failures are counted in memory alone until it is back: no
 * authentication fails because of it, or waits for it longer than {@link #LEDGER_WAIT}.
 */
public final class Lockouts implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Lockouts.class);

  /**
   * How long a failed authentication waits for the ledger's count. A slower answer is taken into
   * memory when it comes; the refusal does not wait for it.
   */
  static final Duration LEDGER_WAIT = Duration.ofMillis(250);

  /**
   * How far each look at the ledger reaches back before the previous one began: rows are stamped
   * with their writer's clock and committed a moment later, so a row can turn up slightly in the
   * past. Covers that moment and the clock difference between instances.
   */
  static final Duration SYNC_OVERLAP = Duration.ofSeconds(2);

  private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

  /**
   * Consecutive failures of one client_id, the lock they set, and when the ledger's row (or this
   * instance, counting alone) last changed them.
   */
  private record Failures(int count, Instant lockedUntil, Instant updatedAt) {
    boolean lockedAt(Instant now) {
      return lockedUntil != null && now.isBefore(lockedUntil);
    }
  }

  /** Failures from one source address in the window that started at {@code start}. */
  private record Window(Instant start, int count, Instant updatedAt) {}

  private final AccountPolicy policy;
  private final Cache<String, Failures> byClient;
  private final Cache<String, Window> bySource;

  // Only with a ledger: how this instance shares the counts.
  private final LockoutLedger ledger;
  private final Clock clock;
  private final long maxTracked;
  private final ThreadPoolExecutor counting;
  private final ScheduledExecutorService syncing;
  private final Map<String, Instant> pendingResets = new ConcurrentHashMap<>();
  private final AtomicBoolean ledgerReachable = new AtomicBoolean(true);
  private Instant syncedFrom;
  private Instant purgedAt;

  /** Counts kept in this instance's memory only. */
  public Lockouts(AccountPolicy policy, long maxTracked) {
    this(policy, maxTracked, null, null, null);
  }

  /**
   * Counts shared through {@code ledger}: loads what it holds now, then reads its changes every
   * {@code syncInterval} on a background thread until {@link #close}.
   */
  public Lockouts(
      AccountPolicy policy,
      long maxTracked,
      LockoutLedger ledger,
      Clock clock,
      Duration syncInterval) {
    this.policy = policy;
    this.maxTracked = maxTracked;
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
    this.ledger = ledger;
    this.clock = clock;
    if (ledger == null) {
      this.counting = null;
      this.syncing = null;
      return;
    }
    // Each count is one short statement. The queue is bounded: past it (a flood, or a ledger that
    // hangs), failures are counted in memory instead.
    this.counting =
        new ThreadPoolExecutor(
            2,
            2,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1024),
            daemon("lockout-count"),
            new ThreadPoolExecutor.AbortPolicy());
    counting.allowCoreThreadTimeOut(true);
    this.syncing = Executors.newSingleThreadScheduledExecutor(daemon("lockout-sync"));
    // Before the first request: a lock set before a restart is still in force.
    sync();
    long millis = syncInterval.toMillis();
    syncing.scheduleWithFixedDelay(this::sync, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * The refusal a request gets before its secret is looked at: {@code LOCKED}, {@code
   * SOURCE_LIMITED}, or {@code null} to go on.
   */
  public ClientAuthenticator.Refusal check(String clientId, String source, Instant now) {
    if (lockedUntil(clientId, now) != null) {
      return ClientAuthenticator.Refusal.LOCKED;
    }
    return sourceLimited(source, now) ? ClientAuthenticator.Refusal.SOURCE_LIMITED : null;
  }

  /** True when {@code source} has had its fill of failures in the current window. */
  public boolean sourceLimited(String source, Instant now) {
    if (policy.sourceFailureLimit() == 0) {
      return false;
    }
    return limited(bySource.getIfPresent(sourceKey(source)), now);
  }

  private boolean limited(Window window, Instant now) {
    return window != null
        && window.count() >= policy.sourceFailureLimit()
        && now.isBefore(window.start().plus(policy.sourceWindow()));
  }

  /**
   * The key a source address is counted under: an IPv6 address by its /64 (one subscriber's
   * allocation, so that rotating through it does not escape the limit), an IPv4-mapped one as IPv4.
   */
  static String sourceKey(String source) {
    if (source == null) {
      return "";
    }
    String address = source.startsWith("[") ? source.substring(1, source.length() - 1) : source;
    if (!address.contains(":")) {
      return address;
    }
    if (address.toLowerCase(Locale.ROOT).startsWith("::ffff:") && address.contains(".")) {
      return address.substring("::ffff:".length());
    }
    try {
      byte[] bytes = InetAddress.getByName(address).getAddress();
      if (bytes.length != 16) {
        return address;
      }
      StringBuilder prefix = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        prefix
            .append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)))
            .append(':');
      }
      return prefix.append(":/64").toString();
    } catch (UnknownHostException e) {
      return address;
    }
  }

  /** Counts a wrong secret or an unknown client_id presented from {@code source}. */
  public void failed(String clientId, String source, Instant now) {
    // A client_id no account can have is counted by its source only: its form is public, so
    // counting it hides nothing, and it could be up to a request body long.
    boolean byId = policy.lockoutThreshold() > 0 && ServiceAccount.isValidClientId(clientId);
    boolean bySourceKey = policy.sourceFailureLimit() > 0;
    String key = bySourceKey ? sourceKey(source) : null;
    if (ledger == null) {
      if (byId) {
        countClientHere(clientId, now);
      }
      if (bySourceKey) {
        countSourceHere(key, now);
      }
      return;
    }
    // Failures that were in flight when the lock was set neither reset nor extend it.
    Failures held = byId ? byClient.getIfPresent(clientId) : null;
    byId &= held == null || !held.lockedAt(now);
    // Both counts run at once; the refusal waits for them together, and only so long.
    CompletableFuture<LockoutLedger.ClientFailures> client =
        byId
            ? count(
                () ->
                    ledger.clientFailed(
                        clientId, now, policy.lockoutThreshold(), policy.lockoutDuration()))
            : null;
    CompletableFuture<LockoutLedger.SourceFailures> window =
        bySourceKey ? count(() -> ledger.sourceFailed(key, now, policy.sourceWindow())) : null;
    long deadline = System.nanoTime() + LEDGER_WAIT.toNanos();
    if (byId) {
      settle(client, deadline, row -> learn(row, now), () -> countClientHere(clientId, now));
    }
    if (bySourceKey) {
      settle(window, deadline, row -> learn(row, now), () -> countSourceHere(key, now));
    }
  }

  /** A count started in the ledger, or {@code null} when it must be counted in memory. */
  private <T> CompletableFuture<T> count(Supplier<T> inLedger) {
    if (!ledgerReachable.get()) {
      return null;
    }
    try {
      return CompletableFuture.supplyAsync(inLedger, counting);
    } catch (RejectedExecutionException e) {
      // Too many counts waiting: the ledger is busy, or hangs (its counts will then fail).
      return null;
    }
  }

  /**
   * Takes the ledger's count into memory, or counts in memory ({@code here}) when there is none or
   * the ledger failed. A count that is not there by {@code deadline} is taken when it comes.
   */
  private <T> void settle(
      CompletableFuture<T> counted, long deadline, Consumer<T> learn, Runnable here) {
    if (counted == null) {
      here.run();
      return;
    }
    try {
      learn.accept(counted.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
    } catch (ExecutionException e) {
      ledgerUnreachable(e.getCause());
      here.run();
    } catch (TimeoutException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      counted.whenComplete(
          (row, error) -> {
            if (error == null) {
              learn.accept(row);
            } else {
              ledgerUnreachable(error instanceof CompletionException c ? c.getCause() : error);
              here.run();
            }
          });
    }
  }

  /** Counts a failure of {@code clientId} in memory. */
  private void countClientHere(String clientId, Instant now) {
    byClient
        .asMap()
        .compute(
            clientId,
            (id, held) -> {
              // Failures that were in flight when the lock was set neither reset nor extend it.
              Instant version = held == null ? Instant.EPOCH : held.updatedAt();
              if (held != null && held.lockedUntil() != null) {
                return now.isBefore(held.lockedUntil()) ? held : new Failures(1, null, version);
              }
              int count = held == null ? 1 : held.count() + 1;
              Instant lock =
                  count >= policy.lockoutThreshold() ? now.plus(policy.lockoutDuration()) : null;
              return new Failures(count, lock, version);
            });
  }

  /** Counts a failure from the source {@code key} in memory. */
  private void countSourceHere(String key, Instant now) {
    bySource
        .asMap()
        .compute(
            key,
            (s, held) ->
                held == null || !now.isBefore(held.start().plus(policy.sourceWindow()))
                    ? new Window(now, 1, held == null ? Instant.EPOCH : held.updatedAt())
                    : new Window(held.start(), held.count() + 1, held.updatedAt()));
  }

  /** A correct secret ends the run of failures, unless a lock was set meanwhile. */
  public void succeeded(String clientId, Instant now) {
    Failures held = byClient.getIfPresent(clientId);
    if (held == null) {
      return;
    }
    if (ledger == null) {
      byClient.asMap().computeIfPresent(clientId, (id, h) -> h.lockedAt(now) ? h : null);
      return;
    }
    // Only a run of failures is reset in the ledger, so a success costs no write as a rule.
    if (held.count() == 0 || held.lockedAt(now)) {
      return;
    }
    byClient
        .asMap()
        .computeIfPresent(
            clientId, (id, h) -> h.lockedAt(now) ? h : new Failures(0, null, h.updatedAt()));
    if (pendingResets.size() < maxTracked) {
      pendingResets.merge(clientId, now, Lockouts::later);
    }
  }

  /** Until when {@code clientId} is locked, or {@code null} when it is not. */
  public Instant lockedUntil(String clientId, Instant now) {
    Failures failures = byClient.getIfPresent(clientId);
    return failures != null && failures.lockedAt(now) ? failures.lockedUntil() : null;
  }

  /**
   * Lifts a lock (an administrator's decision): on every instance, with a ledger.
   *
   * @throws RuntimeException when the ledger cannot record it; nothing is lifted then
   */
  public void unlock(String clientId) {
    if (ledger == null) {
      byClient.invalidate(clientId);
      return;
    }
    LockoutLedger.ClientFailures cleared = ledger.unlock(clientId, clock.instant());
    if (cleared == null) {
      byClient.invalidate(clientId);
    } else {
      byClient.put(clientId, new Failures(0, null, cleared.updatedAt()));
    }
  }

  /**
   * Brings memory up to date with the ledger: writes the resets of runs that ended here, reads the
   * rows changed since the last look (a little before it), and now and then purges the ledger. Runs
   * on the background thread; a failure leaves failures counted in memory until a look succeeds.
   */
  synchronized void sync() {
    Instant now = clock.instant();
    try {
      writeResets(now);
      Instant since =
          syncedFrom == null
              ? now.minus(longer(policy.lockoutDuration(), policy.sourceWindow()))
              : syncedFrom.minus(SYNC_OVERLAP);
      LockoutLedger.Changes changes = ledger.changedSince(since);
      if (policy.lockoutThreshold() > 0) {
        changes.clients().forEach(row -> learn(row, now));
      }
      if (policy.sourceFailureLimit() > 0) {
        changes.sources().forEach(row -> learn(row, now));
      }
      syncedFrom = now;
      if (purgedAt == null || !now.isBefore(purgedAt.plus(PURGE_INTERVAL))) {
        ledger.purge(now, policy.lockoutDuration(), policy.sourceWindow());
        purgedAt = now;
      }
      if (ledgerReachable.compareAndSet(false, true)) {
        LOG.info("lockout ledger reachable again: failures are shared with the other instances");
      }
    } catch (RuntimeException e) {
      ledgerUnreachable(e);
    }
  }

  private void writeResets(Instant now) {
    if (pendingResets.isEmpty()) {
      return;
    }
    Map<String, Instant> batch = new HashMap<>();
    for (String clientId : pendingResets.keySet()) {
      Instant at = pendingResets.remove(clientId);
      if (at != null) {
        batch.put(clientId, at);
      }
    }
    try {
      ledger.reset(batch, now);
    } catch (RuntimeException e) {
      batch.forEach((clientId, at) -> pendingResets.merge(clientId, at, Lockouts::later));
      throw e;
    }
  }

  /** Takes a client's row from the ledger into memory, unless memory holds a later one. */
  private void learn(LockoutLedger.ClientFailures row, Instant now) {
    Failures incoming = new Failures(row.failures(), row.lockedUntil(), row.updatedAt());
    byClient
        .asMap()
        .compute(
            row.clientId(),
            (id, held) -> {
              if (held == null) {
                return incoming;
              }
              if (incoming.updatedAt().isBefore(held.updatedAt())) {
                return held;
              }
              // A lock counted here while the ledger was out of reach stands until it ends or is
              // lifted: the ledger never heard of it.
              if (held.lockedAt(now) && !incoming.lockedAt(now) && incoming.count() > 0) {
                return held;
              }
              return incoming;
            });
  }

  /** Takes a source's row from the ledger into memory, unless memory holds a later one. */
  private void learn(LockoutLedger.SourceFailures row, Instant now) {
    Window incoming = new Window(row.windowStart(), row.failures(), row.updatedAt());
    bySource
        .asMap()
        .compute(
            row.sourceKey(),
            (key, held) -> {
              if (held == null) {
                return incoming;
              }
              if (incoming.updatedAt().isBefore(held.updatedAt())) {
                return held;
              }
              return limited(held, now) && !limited(incoming, now) ? held : incoming;
            });
  }

  private void ledgerUnreachable(Throwable why) {
    ledgerUnreachable(why.toString());
  }

  private void ledgerUnreachable(String why) {
    if (ledgerReachable.compareAndSet(true, false)) {
      LOG.warn(
          "lockout ledger out of reach, failures are counted in this instance only until it is"
              + " back: {}",
          why);
    }
  }

  /** Stops sharing: writes the resets still pending, if it can. */
  @Override
  public void close() {
    if (ledger == null) {
      return;
    }
    syncing.shutdownNow();
    counting.shutdownNow();
    try {
      writeResets(clock.instant());
    } catch (RuntimeException e) {
      LOG.debug("lockout resets not written at close: {}", e.getMessage());
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Duration longer(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Duration positive(Duration d) {
    return d.isZero() ? Duration.ofMillis(1) : d;
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
