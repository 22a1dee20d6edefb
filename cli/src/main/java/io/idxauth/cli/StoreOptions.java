package io.idxauth.cli;

import io.idxauth.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the store of {@code import}, {@code export} and {@code migrate} is: the embedded SQLite
 * store in {@code --data}, or a shared PostgreSQL named by {@code --db} (or IDX_AUTH_DB, with
 * IDX_AUTH_DB_USER and IDX_AUTH_DB_PASSWORD), as for {@code serve}.
 */
final class StoreOptions {

  @Option(
      names = "--data",
      description = "Data directory of the embedded store (IDX_AUTH_DATA, default data).")
  Path data;

  @Option(
      names = "--db",
      paramLabel = "JDBC-URL",
      description =
          "A shared store, jdbc:postgresql://host:5432/name (IDX_AUTH_DB); the password comes from"
              + " IDX_AUTH_DB_PASSWORD, never from the command line.")
  String db;

  @Option(names = "--db-user", description = "Database user (IDX_AUTH_DB_USER).")
  String dbUser;

  /** The JDBC URL in force, or null for the embedded store. */
  String url(Map<String, String> env) {
    return sharedUrl(db, env);
  }

  /** The JDBC URL of a shared store: the option, else IDX_AUTH_DB; null for none. */
  static String sharedUrl(String option, Map<String, String> env) {
    String url = option != null ? option : env.get("IDX_AUTH_DB");
    return url == null || url.isBlank() ? null : url;
  }

  /**
   * Opens the shared PostgreSQL store at {@code url}, as the user of {@code userOption} or
   * IDX_AUTH_DB_USER, with the password of IDX_AUTH_DB_PASSWORD.
   *
   * @param notPostgresql the refusal when {@code url} names another database
   */
  static Database connectShared(
      String url, String userOption, Map<String, String> env, int poolSize, String notPostgresql) {
    if (Database.dialectOf(url) != Database.Dialect.POSTGRESQL) {
      throw new IllegalArgumentException(notPostgresql);
    }
    String user = userOption != null ? userOption : env.get("IDX_AUTH_DB_USER");
    return Database.connect(url, user, env.get("IDX_AUTH_DB_PASSWORD"), poolSize);
  }

  Path dataDir(Map<String, String> env) {
    if (data != null) {
      return data;
    }
    String fromEnv = env.get("IDX_AUTH_DATA");
    return Path.of(fromEnv == null || fromEnv.isBlank() ? "data" : fromEnv);
  }

  /** True when there is a store to open without creating one (a shared store always is). */
  boolean exists(Map<String, String> env) {
    return url(env) != null || Files.isRegularFile(dataDir(env).resolve(Database.SQLITE_FILE));
  }

  /** Where the store is, for messages: never a password. */
  String describe(Map<String, String> env) {
    String url = url(env);
    return url == null ? dataDir(env).toString() : Database.redact(url);
  }

  /** Opens the store, migrating it to the current schema. */
  Database open(Map<String, String> env) {
    String url = url(env);
    if (url == null) {
      return Database.openEmbedded(dataDir(env));
    }
    return connectShared(
        url, dbUser, env, 4, "--db: the embedded SQLite store needs no URL; give --data alone");
  }
}
