package io.idxauth.store;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import io.idxauth.core.AccountDirectory;
import io.idxauth.core.AccountRecord;
import io.idxauth.core.Entity;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token path's view of the store, served from memory. Accounts are loaded on first use and kept
 * while they are used (up to a bound); the entity catalogue is held whole.
 *
 * <p>Every write that the view depends on bumps the store's revision and records what it changed
 * ({@link JdbcStore.Change}). The view looks at the revision every {@code pollInterval}, and on
 * PostgreSQL also as soon as a writer's NOTIFY arrives, so a change made through any instance
 * reaches every other within a second (usually milliseconds). It then drops just the accounts that
 * changed, or everything when the change was wider or some of the record is gone.
 *
 * <p>When the store cannot be reached, accounts in memory keep being served for {@code
 * outageGrace}; an account not in memory fails at once instead of waiting for a connection. After
 * the grace nothing is served — an account disabled elsewhere meanwhile must not stay usable for
 * ever — until the store answers again.
 */
public final class CachedDirectory implements AccountDirectory, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CachedDirectory.class);

  /** How the view behaves: its bounds and its patience with an unreachable store. */
  public record Settings(
      long maxAccounts, Duration pollInterval, Duration idleExpiry, Duration outageGrace) {}

  private final JdbcStore store;
  private final Settings settings;
  private final Clock clock;
  private final Ticker ticker;

  /**
   * Replaced whole when everything is dropped, so a load still running against the old data lands
   * in a cache nobody reads any more. A single account is invalidated in place: Caffeine's
   * invalidation waits for a load of that key in flight, so a stale load cannot outlive it.
   */
  private volatile LoadingCache<String, Optional<AccountRecord>> accounts;

  private final ScheduledExecutorService poller;
  private final Thread listener;
  private volatile boolean closed;
  private volatile Connection listening;
  private volatile Map<String, Entity> entities;
  private volatile long revision;
  private volatile Instant unreachableSince;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** A view with no idle expiry and a grace of a minute, for tests and tools. */
  public CachedDirectory(JdbcStore store, long maxAccounts, Duration pollInterval) {
    this(
        store,
        new Settings(maxAccounts, pollInterval, Duration.ZERO, Duration.ofMinutes(1)),
        Clock.systemUTC());
  }

  public CachedDirectory(JdbcStore store, Settings settings, Clock clock) {
    this(store, settings, clock, Ticker.systemTicker());
  }

  /** As the public constructor, with the time that idle expiry is measured by (for tests). */
  CachedDirectory(JdbcStore store, Settings settings, Clock clock, Ticker ticker) {
    this.store = store;
    this.ticker = ticker;
    this.settings = settings;
    this.clock = clock;
    this.accounts = newAccountCache();
    this.revision = store.revision();
    this.entities = loadEntities();
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "store-revision-poll");
              t.setDaemon(true);
              return t;
            });
    long millis = settings.pollInterval().toMillis();
    poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
    if (store.dialect() == Database.Dialect.POSTGRESQL) {
      listener = new Thread(this::listen, "store-change-listener");
      listener.setDaemon(true);
      listener.start();
    } else {
      listener = null;
    }
  }

  /**
   * The account, from memory or loaded.
   *
   * @throws StoreException when it is not in memory and the store is unreachable, or when the store
   *     has been unreachable for longer than the grace
   */
  @Override
  public Optional<AccountRecord> account(String clientId) {
    Instant since = unreachableSince;
    if (since != null) {
      if (!withinGrace(since)) {
        throw new StoreException(
            "the store has been unreachable since "
                + since
                + ", longer than the store-outage-grace of "
                + settings.outageGrace()
                + ": nothing is served from memory any more",
            null);
      }
      Optional<AccountRecord> cached = accounts.getIfPresent(clientId);
      if (cached == null) {
        throw new StoreException(
            "the store is unreachable and " + clientId + " is not in memory", null);
      }
      return cached;
    }
    return accounts.get(clientId);
  }

  @Override
  public Optional<AccountRecord> cachedAccount(String clientId) {
    Optional<AccountRecord> cached = accounts.getIfPresent(clientId);
    return cached == null ? Optional.empty() : cached;
  }

  @Override
  public Optional<Entity> entity(String name) {
    return Optional.ofNullable(entities.get(name));
  }

  /** Drops from memory what changed in the store since the last look. */
  public synchronized void poll() {
    try {
      long now = store.revision();
      if (now != revision) {
        Optional<List<JdbcStore.Change>> changes =
            now > revision ? store.changes(revision, now) : Optional.empty();
        boolean everything =
            changes.isEmpty()
                || changes.get().stream().anyMatch(c -> c.scope().equals(JdbcStore.Change.ALL));
        if (everything) {
          accounts = newAccountCache();
          entities = loadEntities();
        } else {
          for (JdbcStore.Change change : changes.get()) {
            if (change.scope().equals(JdbcStore.Change.ACCOUNT)) {
              accounts.invalidate(change.subject());
            }
          }
        }
        LOG.debug(
            "store revision {}: {}",
            now,
            everything ? "caches dropped" : changes.get().size() + " changes");
        revision = now;
        boolean beyondAccounts =
            everything
                || changes.get().stream()
                    .anyMatch(c -> !c.scope().equals(JdbcStore.Change.ACCOUNT));
        if (beyondAccounts) {
          for (Runnable l : listeners) {
            l.run();
          }
        }
      }
      if (unreachableSince != null) {
        LOG.info("the store is reachable again (unreachable since {})", unreachableSince);
        unreachableSince = null;
      }
    } catch (RuntimeException e) {
      if (unreachableSince == null) {
        unreachableSince = clock.instant();
        LOG.warn(
            "cannot reach the store: serving from memory for at most {}: {}",
            settings.outageGrace(),
            e.getMessage());
      }
    }
  }

  /**
   * Waits for PostgreSQL's notifications of changes on a connection of its own, and polls at once
   * when one comes. The scheduled poll stays the safety net: a notification sent while this
   * connection was down is lost, the revision is not.
   */
  private void listen() {
    while (!closed) {
      try (Connection c = store.dataSource().getConnection()) {
        PGConnection pg = c.unwrap(PGConnection.class);
        // The driver's own connection, which close() shuts to end the wait below; the pool then
        // finds it broken and replaces it.
        listening = (Connection) pg;
        if (closed) {
          return;
        }
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + JdbcStore.CHANGE_CHANNEL);
        }
        poll();
        while (!closed) {
          PGNotification[] notes = pg.getNotifications(1_000);
          if (notes != null && notes.length > 0) {
            poll();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.debug("store change listener interrupted, reconnecting: {}", e.getMessage());
        // A lost connection may be a lost store: find out now rather than at the next poll.
        poll();
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /**
   * Runs {@code listener} after a change of the store other than to single accounts is seen (keys,
   * the catalogue, an import), on the polling thread.
   */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** False when the last look at the store failed. */
  public boolean storeReachable() {
    return unreachableSince == null;
  }

  /** Since when the store has been unreachable, or {@code null} when it is not. */
  public Instant unreachableSince() {
    return unreachableSince;
  }

  /**
   * True while this view may serve tokens: the store is reachable, or has been unreachable for no
   * longer than the grace.
   */
  public boolean serving() {
    Instant since = unreachableSince;
    return since == null || withinGrace(since);
  }

  private boolean withinGrace(Instant since) {
    return clock.instant().isBefore(since.plus(settings.outageGrace()));
  }

  /** The store revision this view reflects. */
  public long revision() {
    return revision;
  }

  /** How many accounts are in memory now (an estimate). */
  public long cachedAccounts() {
    return accounts.estimatedSize();
  }

  /** The names of all entities, sorted. */
  public List<String> entityNames() {
    return entities.keySet().stream().sorted().toList();
  }

  private LoadingCache<String, Optional<AccountRecord>> newAccountCache() {
    Caffeine<Object, Object> builder =
        Caffeine.newBuilder().maximumSize(settings.maxAccounts()).ticker(ticker);
    if (!settings.idleExpiry().isZero()) {
      // Most of a large market's accounts ask for a token now and then: memory follows the ones
      // in use, not the size of the store.
      builder.expireAfterAccess(settings.idleExpiry());
    }
    return builder.build(store::account);
  }

  private Map<String, Entity> loadEntities() {
    return store.entities().stream()
        .collect(Collectors.toUnmodifiableMap(Entity::name, Function.identity()));
  }

  @Override
  public void close() {
    closed = true;
    poller.shutdownNow();
    if (listener != null) {
      listener.interrupt();
      Connection c = listening;
      if (c != null) {
        try {
          // Ends the listener's wait and gives its connection back to the pool.
          c.close();
        } catch (SQLException | RuntimeException e) {
          // closing anyway
        }
      }
    }
  }
}
