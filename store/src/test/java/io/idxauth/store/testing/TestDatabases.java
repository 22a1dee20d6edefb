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
  private static final java.util.Set<Path> OWN = ConcurrentHashMap.newKeySet();

  private TestDatabases() {}

  /** True when this run is on PostgreSQL. */
  public static boolean postgresql() {
    return "postgresql".equals(System.getProperty(PROPERTY, "sqlite"));
  }

  /** The store of {@code dataDir}, opened and migrated. */
  public static Database open(Path dataDir) {
    return onPostgresql(dataDir)
        ? Database.connect(url(dataDir), null, null, 4)
        : Database.openEmbedded(dataDir);
  }

  /**
   * The settings that put a service or a command on the store of {@code dataDir}: nothing for
   * SQLite (the data directory is the store), {@code db} for PostgreSQL.
   */
  public static Map<String, String> settings(Path dataDir) {
    return onPostgresql(dataDir) ? Map.of("db", url(dataDir)) : Map.of();
  }

  /** Command-line options with the same meaning as {@link #settings}. */
  public static String[] options(Path dataDir) {
    return onPostgresql(dataDir) ? new String[] {"--db", url(dataDir)} : new String[0];
  }

  /**
   * A command line with the store options of this run: on PostgreSQL, each {@code --data DIR} is
   * followed by {@code --db} and the URL of the database that stands for DIR.
   */
  public static String[] withStoreOptions(String... args) {
    if (!postgresql()) {
      return args;
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      out.add(args[i]);
      if (args[i].equals("--data") && i + 1 < args.length) {
        out.add(args[++i]);
        out.addAll(java.util.List.of(options(Path.of(args[i]))));
      }
    }
    return out.toArray(String[]::new);
  }

  /**
   * Makes {@code url} the database that stands for {@code dataDir}, whatever the run: for a test
   * with a PostgreSQL server of its own (one it stops and starts).
   */
  public static void use(Path dataDir, String url) {
    URLS.put(dataDir.toAbsolutePath().normalize(), url);
    OWN.add(dataDir.toAbsolutePath().normalize());
  }

  /** True when {@code dataDir} stands for a PostgreSQL database. */
  private static boolean onPostgresql(Path dataDir) {
    return postgresql() || OWN.contains(dataDir.toAbsolutePath().normalize());
  }

  /** The JDBC URL of the PostgreSQL database that stands for {@code dataDir}. */
  public static String url(Path dataDir) {
    return URLS.computeIfAbsent(
        dataDir.toAbsolutePath().normalize(), d -> TestPostgres.shared().createDatabase());
  }
}
