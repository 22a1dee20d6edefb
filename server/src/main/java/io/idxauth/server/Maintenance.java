package io.idxauth.server;

import io.idxauth.core.KeyEncryptionKey;
import io.idxauth.core.KeyRing;
import io.idxauth.store.AdminStore;
import io.idxauth.store.AuditLog;
import io.idxauth.store.CachedDirectory;
import io.idxauth.store.JdbcStore;
import io.idxauth.store.Revocations;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service does on its own, on one background thread: reloads the keys when the store
 * changes, starts a new key signing on time, rotates keys on schedule, drops keys whose tokens have
 * all expired, purges audit events past their retention and revocations of expired tokens.
 */
final class Maintenance implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

  private final KeyRing keys;
  private final CachedDirectory directory;
  private final JdbcStore store;
  private final AdminStore admin;
  private final AuditLog audit;
  private final Revocations revocations;
  private final Duration auditRetention;
  private final Clock clock;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "maintenance");
            t.setDaemon(true);
            return t;
          });

  Maintenance(
      KeyRing keys,
      CachedDirectory directory,
      JdbcStore store,
      AdminStore admin,
      AuditLog audit,
      Revocations revocations,
      Duration auditRetention,
      Clock clock) {
    this.keys = keys;
    this.directory = directory;
    this.store = store;
    this.admin = admin;
    this.audit = audit;
    this.revocations = revocations;
    this.auditRetention = auditRetention;
    this.clock = clock;
  }

  void start() {
    // Another process (an instance, an import) may have rotated or added keys.
    directory.onChange(this::reloadKeys);
    scheduler.scheduleWithFixedDelay(this::keys, 1, 1, TimeUnit.SECONDS);
    scheduler.scheduleWithFixedDelay(this::purgeRevocations, 1, 10, TimeUnit.MINUTES);
    scheduler.scheduleWithFixedDelay(this::purgeChanges, 1, 10, TimeUnit.MINUTES);
    if (!auditRetention.isZero()) {
      scheduler.scheduleWithFixedDelay(this::purgeAudit, 1, 60, TimeUnit.MINUTES);
    }
  }

  private void reloadKeys() {
    try {
      keys.reload();
    } catch (KeyEncryptionKey.KeyUnsealException | RuntimeException e) {
      LOG.warn("cannot reload the signing keys: {}", e.getMessage());
    }
  }

  private void keys() {
    try {
      keys.maintain()
          .ifPresent(
              rotated -> {
                LOG.info(
                    "signing key rotated on schedule: {} signs from {}",
                    rotated.kid(),
                    rotated.activates());
                admin.record(AdminKeys.rotated(rotated, "scheduler", null, clock));
              });
    } catch (KeyEncryptionKey.KeyUnsealException | RuntimeException e) {
      LOG.warn("key maintenance failed, will retry: {}", e.getMessage());
    }
  }

  private void purgeRevocations() {
    try {
      int purged = revocations.purgeExpired(clock.instant());
      if (purged > 0) {
        LOG.info("purged {} revocations of expired tokens", purged);
      }
    } catch (RuntimeException e) {
      LOG.warn("revocation purge failed, will retry: {}", e.getMessage());
    }
  }

  /** Instances that were away for longer than an hour drop everything when they come back. */
  private void purgeChanges() {
    try {
      store.purgeChanges(clock.instant().minus(Duration.ofHours(1)));
    } catch (RuntimeException e) {
      LOG.warn("store change purge failed, will retry: {}", e.getMessage());
    }
  }

  private void purgeAudit() {
    try {
      int purged = audit.purge(clock.instant().minus(auditRetention));
      if (purged > 0) {
        LOG.info("purged {} audit events older than {}", purged, auditRetention);
      }
    } catch (RuntimeException e) {
      LOG.warn("audit purge failed, will retry: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
