package io.idxauth.store.testing;

import io.idxauth.store.Database;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The database the tests run on: the embedded SQLite store, or PostgreSQL when the system property
 * {@code idx.test.db} is {@code postgresql}. The build runs every store, server and cli test once
 * with each (two surefire executions), so one test class covers both.
 *
 * <p>On PostgreSQL, a data directory stands for one database of the shared test server: a test that
 * reopens the same directory (a restart) finds the same data, and two directories never share any.
 */
public final class TestDatabases {

  /** The system property that selects the database. */
  public static final String PROPERTY = "idx.test.db";

  private static final Map<Path, String> URLS = new ConcurrentHashMap<>();

  private TestDatabases() {}

  /** True when this run is on PostgreSQL. */
  public static boolean postgresql() {
    return "postgresql".equals(System.getProperty(PROPERTY, "sqlite"));
  }

  /** The store of {@code dataDir}, opened and migrated. */
  public static Database open(Path dataDir) {
    return postgresql()
        ? Database.connect(url(dataDir), null, null, 4)
        : Database.openEmbedded(dataDir);
  }

  /**
   * The settings that put a service or a command on the store of {@code dataDir}: nothing for
   * SQLite (the data directory is the store), {@code db} for PostgreSQL.
   */
  public static Map<String, String> settings(Path dataDir) {
    return postgresql() ? Map.of("db", url(dataDir)) : Map.of();
  }

  /** Command-line options with the same meaning as {@link #settings}. */
  public static String[] options(Path dataDir) {
    return postgresql() ? new String[] {"--db", url(dataDir)} : new String[0];
  }

  /** The JDBC URL of the PostgreSQL database that stands for {@code dataDir}. */
  public static String url(Path dataDir) {
    return URLS.computeIfAbsent(
        dataDir.toAbsolutePath().normalize(), d -> TestPostgres.shared().createDatabase());
  }
}
