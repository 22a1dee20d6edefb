package io.idxauth.cli;

import io.idxauth.gateway.Gateway;
import io.idxauth.gateway.GatewayConfig;
import io.idxauth.gateway.RouteTable;
import io.idxauth.store.Database;
import io.idxauth.store.JdbcRateUsage;
import io.idxauth.store.JdbcStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code idx-auth gateway}: runs the enforcing reverse proxy until stopped. */
@Command(
    name = "gateway",
    description = {
      "Run the enforcing reverse proxy in front of IDX APIs: every call needs a valid bearer token"
          + " of the issuer, x-initiatingParticipantId and x-market, and a grant of its route's"
          + " entity and operation for the initiating participant.",
      "Also answers GET /_idx/decision for nginx auth_request (docs/nginx/idx-auth-decision.conf)"
          + " and GET /_idx/health.",
      "Several gateways behind a load balancer share each participant's rate limits when they"
          + " are given the token service's PostgreSQL store (--db)."
    })
final class GatewayCommand implements Callable<Integer> {

  @Option(
      names = "--routes",
      required = true,
      paramLabel = "FILE",
      description = "YAML routes file (see docs/gateway/routes.example.yaml).")
  Path routes;

  @Option(names = "--port", required = true, description = "Port to listen on.")
  int port;

  @Option(
      names = "--issuer",
      required = true,
      paramLabel = "URL",
      description = "The token service whose tokens are accepted (the tokens' iss).")
  URI issuer;

  @Option(names = "--host", description = "Address to bind (default 0.0.0.0).")
  String host;

  @Option(
      names = "--jwks",
      paramLabel = "URL",
      description = "Where the issuer publishes its keys (default <issuer>/oauth2/jwks).")
  URI jwks;

  @Option(names = "--audience", description = "aud the tokens must carry (default idx-api).")
  String audience;

  @Option(
      names = "--revocations-poll",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How often to fetch the issuer's revocation feed, e.g. 2s (default); 0 turns it off.")
  Duration revocationsPoll;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Longest wait for a connection to an upstream (default 5s).")
  Duration connectTimeout;

  @Option(
      names = "--db",
      paramLabel = "JDBC-URL",
      description =
          "Share the rate limits with the other gateways through the token service's PostgreSQL"
              + " store, jdbc:postgresql://host:5432/name (IDX_AUTH_DB; password in"
              + " IDX_AUTH_DB_PASSWORD). Without it each gateway counts alone.")
  String db;

  @Option(names = "--db-user", description = "Database user (IDX_AUTH_DB_USER).")
  String dbUser;

  @Override
  public Integer call() throws InterruptedException {
    RouteTable table;
    try {
      table = RouteTable.read(routes);
    } catch (RouteTable.Invalid e) {
      throw new IllegalArgumentException(
          "the routes file " + routes + " cannot be used:\n  " + String.join("\n  ", e.problems()));
    }
    GatewayConfig config =
        new GatewayConfig(
            table, host, port, issuer, jwks, audience, revocationsPoll, connectTimeout);
    Map<String, String> env = System.getenv();
    String url = StoreOptions.sharedUrl(db, env);
    if (url == null) {
      ServeCommand.awaitShutdown(Gateway.start(config));
      return 0;
    }
    Database database =
        StoreOptions.connectShared(
            url,
            dbUser,
            env,
            2,
            "--db: the gateways share their rate limits through a PostgreSQL store"
                + " (jdbc:postgresql://host:5432/name); the embedded SQLite store is one process's");
    Gateway gateway;
    try {
      JdbcRateUsage usage = new JdbcRateUsage(new JdbcStore(database));
      gateway = Gateway.start(config.withSharedLimits(usage::exchange));
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    ServeCommand.awaitShutdown(
        () -> {
          gateway.close();
          database.close();
        });
    return 0;
  }

  /** 500ms, 2s, 5m, 1h or 0. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return GatewayConfig.parseDuration(value);
    }
  }
}
