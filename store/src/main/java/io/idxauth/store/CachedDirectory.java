package io.idxauth.store;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.idxauth.core.AccountDirectory;
import io.idxauth.core.AccountRecord;
import io.idxauth.core.Entity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token path's view of the store, served from memory. Accounts are loaded on first use and kept
 * (up to a bound); the entity catalogue is held whole. A poll of the store's revision every {@code
 * pollInterval} drops everything when another process (an import, an admin change) wrote.
 */
public final class CachedDirectory implements AccountDirectory, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CachedDirectory.class);

  private final JdbcStore store;
  private final long maxAccounts;

  /**
   * Replaced whole when the store changes, so a load still running against the old data lands in a
   * cache nobody reads any more.
   */
  private volatile LoadingCache<String, Optional<AccountRecord>> accounts;

  private final ScheduledExecutorService poller;
  private volatile Map<String, Entity> entities;
  private volatile long revision;
  private volatile boolean reachable = true;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public CachedDirectory(JdbcStore store, long maxAccounts, Duration pollInterval) {
    this.store = store;
    this.maxAccounts = maxAccounts;
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
    long millis = pollInterval.toMillis();
    poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public Optional<AccountRecord> account(String clientId) {
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

  /** Drops what is cached if the store changed since the last look. */
  public synchronized void poll() {
    try {
      long now = store.revision();
      if (now != revision) {
        accounts = newAccountCache();
        entities = loadEntities();
        revision = now;
        LOG.debug("store revision {}: caches dropped", now);
        for (Runnable listener : listeners) {
          listener.run();
        }
      }
      reachable = true;
    } catch (RuntimeException e) {
      if (reachable) {
        LOG.warn("cannot read the store revision: {}", e.getMessage());
      }
      reachable = false;
    }
  }

  /** Runs {@code listener} after each change of the store is seen (on the polling thread). */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** False when the last look at the store failed. */
  public boolean storeReachable() {
    return reachable;
  }

  /** The names of all entities, sorted. */
  public List<String> entityNames() {
    return entities.keySet().stream().sorted().toList();
  }

  private LoadingCache<String, Optional<AccountRecord>> newAccountCache() {
    return Caffeine.newBuilder().maximumSize(maxAccounts).build(store::account);
  }

  private Map<String, Entity> loadEntities() {
    return store.entities().stream()
        .collect(Collectors.toUnmodifiableMap(Entity::name, Function.identity()));
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
