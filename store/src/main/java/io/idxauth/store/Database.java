package io.idxauth.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A pooled connection to the store's database, migrated to the current schema on open. */
public final class Database implements AutoCloseable {

  /** The SQLite file the embedded store keeps under its data directory. */
  public static final String SQLITE_FILE = "idx-auth.db";

  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIR =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource dataSource;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Opens (creating if needed) the embedded SQLite store in {@code dataDir}. */
  public static Database openEmbedded(Path dataDir) {
    Path file = dataDir.resolve(SQLITE_FILE);
    try {
      // The store holds secret hashes and sealed keys: only its owner may read it. SQLite gives
      // its -wal and -shm files the permissions of the database file.
      createDataDirectory(dataDir);
      if (!Files.exists(file)) {
        Files.createFile(file, OWNER_ONLY_FILE);
      }
      for (String name : new String[] {SQLITE_FILE, SQLITE_FILE + "-wal", SQLITE_FILE + "-shm"}) {
        restrictToOwner(dataDir.resolve(name));
      }
    } catch (IOException e) {
      throw new StoreException("cannot create the store in " + dataDir + ": " + e, e);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
    // WAL lets readers go on while one writer commits; the busy timeout queues writers.
    config.addDataSourceProperty("journal_mode", "WAL");
    config.addDataSourceProperty("synchronous", "NORMAL");
    config.addDataSourceProperty("foreign_keys", "true");
    config.addDataSourceProperty("busy_timeout", "10000");
    // A write transaction takes the writer lock when it begins, so it waits its turn (busy_timeout)
    // instead of failing when a read that it started with meets another writer's commit.
    config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    config.setMaximumPoolSize(4);
    config.setPoolName("idx-auth-sqlite");
    return open(config);
  }

  /** Creates the data directory, if it is missing, readable by its owner only. */
  public static void createDataDirectory(Path dataDir) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      Files.createDirectories(dataDir, OWNER_ONLY_DIR);
    }
  }

  /** Takes group and other permissions off a store file that has them (made by an older build). */
  private static void restrictToOwner(Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
    if (!ownerOnly.containsAll(permissions)) {
      LOG.warn("{} was readable by others: restricted to its owner", file);
      Files.setPosixFilePermissions(file, ownerOnly);
    }
  }

  private static Database open(HikariConfig config) {
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("cannot open the store: " + e.getMessage(), e);
    }
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          // The moment of an upgrade, for migrations that give existing rows a fresh start.
          .placeholders(Map.of("upgrade_epoch_ms", Long.toString(System.currentTimeMillis())))
          .loggers("slf4j")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw new StoreException("cannot migrate the store: " + e.getMessage(), e);
    }
    return new Database(dataSource);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
