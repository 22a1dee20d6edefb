package io.idxauth.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.idxauth.core.AccountPolicy;
import io.idxauth.core.ServiceAccount;
import io.idxauth.store.SafeYaml;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything {@code serve} needs, as one typed record. Each setting comes from, in order of
 * precedence: a command-line option, an environment variable ({@code IDX_AUTH_*}), the config file,
 * the default. Validated once, at start, with messages that name the setting.
 *
 * @param issuer the {@code iss} of tokens and the base of the metadata URLs, or {@code null} for
 *     {@code http://localhost:<port>}
 * @param kek the key-encryption key in base64, when given directly (environment)
 * @param kekFile the file holding the key-encryption key, when {@code kek} is not given
 * @param maxRequestBytes the largest request body the service reads
 */
public record ServerConfig(
    Path dataDir,
    String host,
    int port,
    String issuer,
    String audience,
    Duration tokenLifetime,
    boolean rfc9068Type,
    String kek,
    Path kekFile,
    int maxRequestBytes,
    boolean nativeCrypto,
    int slowCheckConcurrency,
    Duration slowCheckWait,
    String managementHost,
    int managementPort,
    AccountPolicy accountPolicy,
    Duration keyRotationInterval,
    Duration keyPropagation,
    Duration maxTokenLifetime,
    Duration auditRetention,
    StoreSettings store,
    List<String> trustedProxies) {

  /**
   * Where the store is and how long the service goes on without it.
   *
   * @param url the JDBC URL of a shared store (PostgreSQL), or {@code null} for the embedded SQLite
   *     store in the data directory
   * @param pollInterval how often the revision of the store is looked at, to see changes made
   *     through other instances (on PostgreSQL they are also notified at once)
   * @param outageGrace how long tokens are still issued from memory once the store cannot be
   *     reached; the service is not ready after that, and refuses tokens until the store is back
   */
  public record StoreSettings(
      String url,
      String user,
      String password,
      int poolSize,
      Duration outageGrace,
      Duration pollInterval) {

    @Override
    public String toString() {
      return url == null ? "embedded" : io.idxauth.store.Database.redact(url);
    }
  }

  /** The setting names, as in the config file; the environment variable is IDX_AUTH_ + upper. */
  public static final List<String> SETTINGS =
      List.of(
          "data",
          "host",
          "port",
          "issuer",
          "audience",
          "token-lifetime",
          "token-type",
          "kek",
          "kek-file",
          "max-request-bytes",
          "native-crypto",
          "slow-check-concurrency",
          "slow-check-wait-ms",
          "management-host",
          "management-port",
          "secret-max-age",
          "secret-rotation-grace",
          "lockout-threshold",
          "lockout-duration",
          "source-failure-limit",
          "source-failure-window",
          "key-rotation-interval",
          "key-propagation",
          "max-token-lifetime",
          "audit-retention",
          "db",
          "db-user",
          "db-password",
          "db-pool-size",
          "store-outage-grace",
          "store-poll-interval",
          "trusted-proxies");

  public static final String DEFAULT_AUDIENCE = "idx-api";

  /**
   * The environment variable of a setting: {@code token-lifetime} → {@code
   * IDX_AUTH_TOKEN_LIFETIME}.
   */
  public static String envName(String setting) {
    return "IDX_AUTH_" + setting.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /**
   * Builds the configuration from its sources.
   *
   * @param options settings given on the command line (highest precedence)
   * @param env the process environment
   * @param file a YAML config file of {@code setting: value} lines, or {@code null}
   * @throws IllegalArgumentException listing every invalid setting
   */
  public static ServerConfig load(Map<String, String> options, Map<String, String> env, Path file) {
    return load(Map.of(), options, env, file);
  }

  /** As {@link #load(Map, Map, Path)}, over {@code defaults} of the caller's own. */
  public static ServerConfig load(
      Map<String, String> defaults,
      Map<String, String> options,
      Map<String, String> env,
      Path file) {
    Map<String, String> fromEnv = new HashMap<>();
    for (String setting : SETTINGS) {
      String value = env.get(envName(setting));
      if (value != null && !value.isBlank()) {
        fromEnv.put(setting, value);
      }
    }
    Map<String, String> fromOptions = new HashMap<>();
    options.forEach(
        (k, v) -> {
          if (v != null) {
            fromOptions.put(k, v);
          }
        });
    Map<String, String> values = new HashMap<>();
    for (Map<String, String> layer :
        List.of(
            defaults,
            file == null ? Map.<String, String>of() : readFile(file),
            fromEnv,
            fromOptions)) {
      overlay(values, layer);
    }
    return from(values);
  }

  /**
   * Lays a higher-precedence source over the settings so far. {@code kek} and {@code kek-file} are
   * two ways to give one thing: a source that gives either replaces both.
   */
  private static void overlay(Map<String, String> values, Map<String, String> layer) {
    if (layer.containsKey("kek") && layer.containsKey("kek-file")) {
      throw new IllegalArgumentException(
          "give the key-encryption key once: kek or kek-file, not both in the same place");
    }
    if (layer.containsKey("kek") || layer.containsKey("kek-file")) {
      values.remove("kek");
      values.remove("kek-file");
    }
    values.putAll(layer);
  }

  private static Map<String, String> readFile(Path file) {
    try {
      JsonNode root = SafeYaml.read(Files.readAllBytes(file));
      Map<String, String> out = new HashMap<>();
      if (root == null || root.isNull()) {
        return out;
      }
      if (!root.isObject()) {
        throw new IllegalArgumentException(file + ": expected a mapping of settings");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!SETTINGS.contains(e.getKey())) {
          throw new IllegalArgumentException(
              file + ": unknown setting '" + e.getKey() + "' (known: " + SETTINGS + ")");
        }
        JsonNode value = e.getValue();
        if (value.isNull()) {
          continue;
        }
        if (!value.isValueNode()) {
          throw new IllegalArgumentException(
              file + ": setting '" + e.getKey() + "' must be a single value");
        }
        out.put(e.getKey(), value.asText());
      }
      return out;
    } catch (SafeYaml.Invalid e) {
      throw new IllegalArgumentException("config file " + file + ": " + e.getMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
    }
  }

  static ServerConfig from(Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    Path data = Path.of(values.getOrDefault("data", "data"));
    String host = values.getOrDefault("host", "0.0.0.0");
    if (host.isBlank()) {
      problems.add("host: must not be empty (0.0.0.0 for every address)");
    }
    int port = intSetting(values, "port", 8080, 0, 65535, problems);
    String issuer = values.get("issuer");
    if (issuer != null) {
      issuer = validIssuer(issuer, problems);
    } else if (port == 0) {
      problems.add("issuer: required with port 0, since the issuer URL cannot name the port");
    }
    String audience = values.getOrDefault("audience", DEFAULT_AUDIENCE);
    int lifetime = intSetting(values, "token-lifetime", 3600, 60, 86_400, problems);
    String type = values.getOrDefault("token-type", "JWT");
    if (!type.equals("JWT") && !type.equals("at+jwt")) {
      problems.add("token-type: '" + type + "' must be JWT or at+jwt");
    }
    String kek = values.get("kek");
    Path kekFile = values.containsKey("kek-file") ? Path.of(values.get("kek-file")) : null;
    int maxRequest = intSetting(values, "max-request-bytes", 16 * 1024, 1024, 1 << 20, problems);
    boolean nativeCrypto = !"false".equalsIgnoreCase(values.getOrDefault("native-crypto", "true"));
    // One core or fewer for slow secret hashes, so that remembered secrets keep the rest.
    int cores = Runtime.getRuntime().availableProcessors();
    int slowConcurrency =
        intSetting(values, "slow-check-concurrency", Math.max(1, cores - 1), 1, 1024, problems);
    int slowWaitMs = intSetting(values, "slow-check-wait-ms", 2000, 0, 60_000, problems);
    String managementHost = values.getOrDefault("management-host", "127.0.0.1");
    int managementPort = intSetting(values, "management-port", 9464, 0, 65535, problems);
    AccountPolicy policy =
        new AccountPolicy(
            durationSetting(values, "secret-max-age", Duration.ofDays(90), problems),
            durationSetting(values, "secret-rotation-grace", Duration.ofHours(24), problems),
            intSetting(values, "lockout-threshold", 6, 0, 1000, problems),
            durationSetting(values, "lockout-duration", Duration.ofMinutes(15), problems),
            intSetting(values, "source-failure-limit", 30, 0, 1_000_000, problems),
            durationSetting(values, "source-failure-window", Duration.ofMinutes(15), problems));
    Duration rotation =
        durationSetting(values, "key-rotation-interval", Duration.ofDays(90), problems);
    Duration propagation =
        durationSetting(values, "key-propagation", Duration.ofHours(1), problems);
    Duration maxLifetime =
        durationSetting(values, "max-token-lifetime", Duration.ofHours(24), problems);
    if (maxLifetime.toSeconds() < lifetime) {
      problems.add(
          "max-token-lifetime: "
              + maxLifetime.toSeconds()
              + " s is shorter than token-lifetime ("
              + lifetime
              + " s)");
    }
    if (maxLifetime.compareTo(ServiceAccount.MAX_TOKEN_LIFETIME) > 0) {
      problems.add("max-token-lifetime: at most 24h");
    }
    if (!rotation.isZero() && rotation.compareTo(propagation.plus(maxLifetime)) <= 0) {
      problems.add(
          "key-rotation-interval: must be longer than key-propagation plus max-token-lifetime (or"
              + " 0 for no scheduled rotation)");
    }
    Duration auditRetention =
        durationSetting(values, "audit-retention", Duration.ofDays(365), problems);
    String db = values.get("db");
    if (db != null && db.isBlank()) {
      db = null;
    }
    if (db != null) {
      try {
        if (io.idxauth.store.Database.dialectOf(db)
            != io.idxauth.store.Database.Dialect.POSTGRESQL) {
          problems.add("db: the embedded SQLite store needs no URL; give --data alone");
        }
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    int poolSize = intSetting(values, "db-pool-size", 10, 2, 200, problems);
    Duration outageGrace =
        durationSetting(values, "store-outage-grace", Duration.ofMinutes(5), problems);
    Duration pollInterval =
        durationSetting(values, "store-poll-interval", Duration.ofMillis(500), problems);
    if (pollInterval.isZero()) {
      problems.add("store-poll-interval: must be more than 0");
    }
    StoreSettings store =
        new StoreSettings(
            db,
            values.get("db-user"),
            values.get("db-password"),
            poolSize,
            outageGrace,
            pollInterval);
    List<String> trustedProxies = new ArrayList<>();
    for (String entry : values.getOrDefault("trusted-proxies", "").split(",")) {
      if (!entry.isBlank()) {
        try {
          ClientAddress.check(entry);
          trustedProxies.add(entry.trim());
        } catch (IllegalArgumentException e) {
          problems.add(e.getMessage());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid configuration: " + String.join("; ", problems));
    }
    return new ServerConfig(
        data,
        host,
        port,
        issuer,
        audience,
        Duration.ofSeconds(lifetime),
        type.equals("at+jwt"),
        kek,
        kekFile,
        maxRequest,
        nativeCrypto,
        slowConcurrency,
        Duration.ofMillis(slowWaitMs),
        managementHost,
        managementPort,
        policy,
        rotation,
        propagation,
        maxLifetime,
        auditRetention,
        store,
        List.copyOf(trustedProxies));
  }

  /**
   * A duration setting: a whole number with a unit, {@code 90d}, {@code 24h}, {@code 15m}, {@code
   * 30s} or {@code 500ms}; a bare number is seconds; {@code 0} turns the feature off where it can
   * be.
   */
  static Duration durationSetting(
      Map<String, String> values, String name, Duration def, List<String> problems) {
    String raw = values.get(name);
    if (raw == null) {
      return def;
    }
    Matcher m = DURATION.matcher(raw.trim());
    if (!m.matches()) {
      problems.add(name + ": '" + raw + "' is not a duration like 90d, 24h, 15m, 30s or 500ms");
      return def;
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "d" -> Duration.ofDays(n);
      case "h" -> Duration.ofHours(n);
      case "m" -> Duration.ofMinutes(n);
      case "ms" -> Duration.ofMillis(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(d|h|m|s|ms)?");

  private static String validIssuer(String issuer, List<String> problems) {
    try {
      URI uri = new URI(issuer);
      // RFC 8414 §2: the issuer is a URL using https with no query or fragment (http allowed for
      // local use).
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getQuery() != null
          || uri.getFragment() != null) {
        problems.add("issuer: '" + issuer + "' must be an http(s) URL with no query or fragment");
      }
    } catch (URISyntaxException e) {
      problems.add("issuer: '" + issuer + "' is not a URL");
    }
    return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
  }

  private static int intSetting(
      Map<String, String> values, String name, int def, int min, int max, List<String> problems) {
    String raw = values.get(name);
    if (raw == null) {
      return def;
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v < min || v > max) {
        problems.add(name + ": " + v + " is outside " + min + ".." + max);
      }
      return v;
    } catch (NumberFormatException e) {
      problems.add(name + ": '" + raw + "' is not a whole number");
      return def;
    }
  }

  /** The issuer URL in force: the one configured, or the local URL of the port. */
  public String issuerUrl() {
    return issuer != null ? issuer : "http://localhost:" + port;
  }

  @Override
  public String toString() {
    return "ServerConfig[data="
        + dataDir
        + ", store="
        + store
        + ", host="
        + host
        + ", port="
        + port
        + ", issuer="
        + issuerUrl()
        + ", audience="
        + audience
        + ", tokenLifetime="
        + tokenLifetime
        + ", type="
        + (rfc9068Type ? "at+jwt" : "JWT")
        + ", kek="
        + (kek != null ? "(environment)" : kekFile)
        + "]";
  }
}
