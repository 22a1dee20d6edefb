package io.idxauth.cli;

import io.idxauth.server.ServerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of {@code serve} and {@code demo}; each overrides its IDX_AUTH_* variable. */
final class ServerOptions {

  @Option(names = "--data", description = "Data directory of the embedded store (IDX_AUTH_DATA).")
  Path data;

  @Option(names = "--port", description = "Port to listen on (IDX_AUTH_PORT, default 8080).")
  Integer port;

  @Option(names = "--host", description = "Address to bind (IDX_AUTH_HOST, default 0.0.0.0).")
  String host;

  @Option(
      names = "--issuer",
      description = "Issuer URL of tokens (IDX_AUTH_ISSUER, default http://localhost:<port>).")
  String issuer;

  @Option(names = "--audience", description = "aud of tokens (IDX_AUTH_AUDIENCE, default idx-api).")
  String audience;

  @Option(
      names = "--kek-file",
      description =
          "File with the key-encryption key, base64 (IDX_AUTH_KEK_FILE; or IDX_AUTH_KEK).")
  Path kekFile;

  @Option(
      names = "--db",
      paramLabel = "JDBC-URL",
      description =
          "A shared store instead of the embedded one: jdbc:postgresql://host:5432/name"
              + " (IDX_AUTH_DB; password in IDX_AUTH_DB_PASSWORD).")
  String db;

  @Option(names = "--db-user", description = "Database user (IDX_AUTH_DB_USER).")
  String dbUser;

  @Option(names = "--config", description = "YAML config file of settings (IDX_AUTH_CONFIG).")
  Path config;

  Map<String, String> asSettings() {
    Map<String, String> out = new HashMap<>();
    put(out, "data", data);
    put(out, "port", port);
    put(out, "host", host);
    put(out, "issuer", issuer);
    put(out, "audience", audience);
    put(out, "kek-file", kekFile);
    put(out, "db", db);
    put(out, "db-user", dbUser);
    return out;
  }

  /** The configuration from these options, the environment and the config file, over defaults. */
  ServerConfig load(Map<String, String> defaults) {
    Map<String, String> env = System.getenv();
    Path file = config;
    if (file == null && env.get("IDX_AUTH_CONFIG") != null) {
      file = Path.of(env.get("IDX_AUTH_CONFIG"));
    }
    return ServerConfig.load(defaults, asSettings(), env, file);
  }

  private static void put(Map<String, String> out, String key, Object value) {
    if (value != null) {
      out.put(key, value.toString());
    }
  }
}
