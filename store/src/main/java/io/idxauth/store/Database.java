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
import org.flywaydb.core.api.output.MigrateResult;
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

  /** The database engines the store runs on. */
  public enum Dialect {
    /** The embedded file store: one process writes at a time, under SQLite's own lock. */
    SQLITE,
    /** The shared store of several instances. */
    POSTGRESQL
  }

  /** What opening the store did to its schema. */
  public record Migration(String fromVersion, String toVersion, int applied) {}

  private final HikariDataSource dataSource;
  private final Dialect dialect;
  private final Migration migration;

  private Database(HikariDataSource dataSource, Dialect dialect, Migration migration) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.migration = migration;
  }

  /**
   * Opens the store at a JDBC URL: {@code jdbc:postgresql://host:5432/idxauth} for a shared
   * PostgreSQL, or {@code jdbc:sqlite:/path/idx-auth.db}. Credentials may be in the URL or given
   * apart ({@code user}, {@code password}, either {@code null}).
   *
   * @throws IllegalArgumentException when the URL names no supported database
   * @throws StoreException when the database cannot be reached or migrated
   */
  public static Database connect(String jdbcUrl, String user, String password, int poolSize) {
    Dialect dialect = dialectOf(jdbcUrl);
    if (dialect == Dialect.SQLITE) {
      String file = jdbcUrl.substring("jdbc:sqlite:".length());
      int query = file.indexOf('?');
      Path path = Path.of(query < 0 ? file : file.substring(0, query));
      if (!path.getFileName().toString().equals(SQLITE_FILE)) {
        throw new IllegalArgumentException(
            "db: an SQLite store is the file " + SQLITE_FILE + " in a data directory; give --data");
      }
      return openEmbedded(path.toAbsolutePath().getParent());
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    if (user != null && !user.isEmpty()) {
      config.setUsername(user);
    }
    if (password != null && !password.isEmpty()) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(2, poolSize));
    // A database that has gone away must fail a request within seconds, not hang it: the token
    // path then serves from memory and admin writes get a 503 (see CachedDirectory).
    config.setConnectionTimeout(3_000);
    config.setValidationTimeout(1_000);
    config.addDataSourceProperty("connectTimeout", "3");
    config.addDataSourceProperty("socketTimeout", "30");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("ApplicationName", "idx-auth");
    // A batch of INSERTs goes as multi-row statements: an import of 100,000 accounts writes a
    // million entitlement rows in thousands of statements rather than a million.
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.setPoolName("idx-auth-postgresql");
    return open(config, Dialect.POSTGRESQL);
  }

  /** The dialect of a JDBC URL the store supports. */
  public static Dialect dialectOf(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return Dialect.POSTGRESQL;
    }
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return Dialect.SQLITE;
    }
    throw new IllegalArgumentException(
        "db: '"
            + redact(jdbcUrl)
            + "' is not a supported JDBC URL (jdbc:postgresql://host:5432/name, or leave it out"
            + " for the embedded store in --data)");
  }

  /** A JDBC URL fit for a log or an error message: no password in it. */
  public static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//[^/@]*@", "//***@");
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
    return open(config, Dialect.SQLITE);
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

  private static Database open(HikariConfig config, Dialect dialect) {
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("cannot open the store: " + e.getMessage(), e);
    }
    Migration migration;
    try {
      migration = migrate(dataSource, dialect);
    } catch (RuntimeException e) {
      dataSource.close();
      throw new StoreException("cannot migrate the store: " + e.getMessage(), e);
    }
    return new Database(dataSource, dialect, migration);
  }

  /**
   * Brings the schema up to date. One set of migrations serves both databases; the few statements
   * that differ live in a folder of the dialect's own, numbered between the common ones.
   *
   * <p>Instances that start together on one PostgreSQL migrate one after another: Flyway holds an
   * advisory lock while it migrates.
   */
  private static Migration migrate(DataSource dataSource, Dialect dialect) {
    String[] locations =
        dialect == Dialect.POSTGRESQL
            ? new String[] {"classpath:db/migration", "classpath:db/postgresql"}
            : new String[] {"classpath:db/migration"};
    MigrateResult result =
        Flyway.configure()
            .dataSource(dataSource)
            .locations(locations)
            // The moment of an upgrade, for migrations that give existing rows a fresh start.
            .placeholders(Map.of("upgrade_epoch_ms", Long.toString(System.currentTimeMillis())))
            .loggers("slf4j")
            .load()
            .migrate();
    String to =
        result.targetSchemaVersion != null
            ? result.targetSchemaVersion
            : result.initialSchemaVersion;
    return new Migration(result.initialSchemaVersion, to, result.migrationsExecuted);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** What opening the store did to its schema: the versions before and after. */
  public Migration migration() {
    return migration;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
