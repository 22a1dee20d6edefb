package io.idxauth.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import io.idxauth.core.AccountPolicy;
import io.idxauth.core.ClientAuthenticator;
import io.idxauth.core.EntitlementResolver;
import io.idxauth.core.Forbidden;
import io.idxauth.core.KeyEncryptionKey;
import io.idxauth.core.KeyPolicy;
import io.idxauth.core.KeyRing;
import io.idxauth.core.Lockouts;
import io.idxauth.core.SecretHashes;
import io.idxauth.core.SecretVerifier;
import io.idxauth.core.SigningProvider;
import io.idxauth.core.TokenMinter;
import io.idxauth.core.TokenPolicy;
import io.idxauth.store.AdminStore;
import io.idxauth.store.AuditLog;
import io.idxauth.store.BusinessFunctions;
import io.idxauth.store.CachedDirectory;
import io.idxauth.store.Database;
import io.idxauth.store.JdbcLockoutLedger;
import io.idxauth.store.JdbcSigningKeys;
import io.idxauth.store.JdbcStore;
import io.idxauth.store.Revocations;
import io.idxauth.store.StoreException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The idx-auth token service: the store, the keys and the HTTP endpoints, started together. */
public final class IdxAuthServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IdxAuthServer.class);

  private final ServerConfig config;
  private final Database database;
  private final CachedDirectory directory;
  private final Lockouts lockouts;
  private final KeyRing keys;
  private final AuditLog auditLog;
  private final Maintenance maintenance;
  private final Javalin app;
  private final ServerConnector listener;
  private final ServerConnector management;
  private final AtomicBoolean closed = new AtomicBoolean();

  private IdxAuthServer(
      ServerConfig config,
      Database database,
      CachedDirectory directory,
      Lockouts lockouts,
      KeyRing keys,
      AuditLog auditLog,
      Maintenance maintenance,
      Javalin app,
      ServerConnector listener,
      ServerConnector management) {
    this.listener = listener;
    this.management = management;
    this.config = config;
    this.database = database;
    this.directory = directory;
    this.lockouts = lockouts;
    this.keys = keys;
    this.auditLog = auditLog;
    this.maintenance = maintenance;
    this.app = app;
  }

  /**
   * Opens the store, opens (or creates) the signing key and starts listening.
   *
   * @throws IllegalArgumentException when the configuration or key-encryption key is unusable
   */
  public static IdxAuthServer start(ServerConfig config) {
    KeyEncryptionKey kek = KekSource.load(config);
    Clock clock = Clock.systemUTC();
    // Loading the native provider takes a while; it runs while the store opens.
    CompletableFuture<Provider> provider =
        CompletableFuture.supplyAsync(() -> SigningProvider.select(config.nativeCrypto()));
    Database database = openStore(config);
    try {
      JdbcStore store = new JdbcStore(database);
      KeyRing keys =
          KeyRing.open(
              new JdbcSigningKeys(store),
              kek,
              provider.join(),
              config.rfc9068Type() ? new JOSEObjectType("at+jwt") : JOSEObjectType.JWT,
              // A retired key stays published as long as a token can live, plus a minute for the
              // maintenance tick and clock skew between instances.
              new KeyPolicy(
                  config.keyRotationInterval(),
                  config.keyPropagation(),
                  config.maxTokenLifetime().plusMinutes(1)),
              clock);
      CachedDirectory directory =
          new CachedDirectory(
              store,
              new CachedDirectory.Settings(
                  100_000,
                  config.store().pollInterval(),
                  // An account idle for an hour leaves memory; its next token reloads it.
                  Duration.ofHours(1),
                  config.store().outageGrace()),
              clock);
      AccountPolicy accountPolicy = config.accountPolicy();
      // Shared by every instance on the store; a lock reaches the others within a second.
      Lockouts lockouts =
          new Lockouts(
              accountPolicy, 100_000, new JdbcLockoutLedger(store), clock, Duration.ofMillis(500));
      AuditLog auditLog = new AuditLog(store);
      AdminStore adminStore = new AdminStore(store, accountPolicy);
      Revocations revocations = new Revocations(store);
      Maintenance maintenance =
          new Maintenance(
              keys,
              directory,
              store,
              adminStore,
              auditLog,
              revocations,
              config.auditRetention(),
              clock);
      ObjectMapper json = new ObjectMapper();
      TokenPolicy policy =
          new TokenPolicy(
              config.issuerUrl(),
              config.audience(),
              config.tokenLifetime(),
              config.rfc9068Type(),
              config.maxTokenLifetime());
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmGcMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      SecretVerifier verifier =
          new SecretVerifier(
              SecretHashes.DEFAULT, 100_000, config.slowCheckConcurrency(), config.slowCheckWait());
      TokenMetrics metrics = new TokenMetrics(registry, verifier);
      FunctionCounter.builder("idx_auth_audit_events_dropped", auditLog, AuditLog::dropped)
          .description("Audit events logged but not stored because the store fell behind")
          .register(registry);
      Gauge.builder("idx_auth_store_reachable", directory, d -> d.storeReachable() ? 1 : 0)
          .description("1 while the store answers; 0 while tokens come from memory, or not at all")
          .register(registry);
      Gauge.builder("idx_auth_accounts_cached", directory, CachedDirectory::cachedAccounts)
          .description("Accounts held in memory for the token path")
          .register(registry);
      // One authenticator and one record of refusals for every endpoint that authenticates clients.
      ClientAuthenticator authenticator =
          new ClientAuthenticator(directory, verifier, accountPolicy, lockouts, clock);
      ClientRefusals refusals = new ClientRefusals(metrics, auditLog);
      TokenEndpoint token =
          new TokenEndpoint(
              authenticator,
              new EntitlementResolver(directory),
              new TokenMinter(keys, policy, clock),
              json,
              metrics,
              auditLog,
              refusals,
              config.maxRequestBytes());
      OwnTokenVerifier ownTokens =
          new OwnTokenVerifier(keys, config.issuerUrl(), config.audience());
      AdminApi admin =
          new AdminApi(
              new AdminAuthenticator(ownTokens, revocations::isRevoked, directory),
              json,
              adminStore,
              store,
              directory);
      ClientAuthentication clients = new ClientAuthentication(authenticator, refusals);
      byte[] adminOpenApi = resource("/admin-openapi.yaml");
      ErrorRenderer errors = new ErrorRenderer(json, metrics);
      BusinessFunctions businessFunctions = new BusinessFunctions(store);
      directory.onChange(businessFunctions::invalidate);
      BusinessFunctionEndpoint businessFunctionApi =
          new BusinessFunctionEndpoint(
              ownTokens,
              revocations::isRevoked,
              businessFunctions,
              json,
              errors,
              resource("/bfi-openapi.yaml"));
      // Ready while tokens can be issued: from the store, or from memory within the outage grace.
      HealthEndpoint health =
          new HealthEndpoint(
              () -> {
                Instant since = directory.unreachableSince();
                return new HealthEndpoint.State(
                    keys.active() != null,
                    directory.serving(),
                    since,
                    since == null ? null : since.plus(config.store().outageGrace()));
              },
              json);
      byte[] openApi = resource("/openapi.yaml");
      ClientAddress clientAddress = new ClientAddress(config.trustedProxies());
      AtomicReference<ServerConnector> listener = new AtomicReference<>();
      AtomicReference<ServerConnector> management = new AtomicReference<>();

      Javalin app =
          Javalin.create(
              c -> {
                c.startup.showJavalinBanner = false;
                c.startup.showOldJavalinVersionWarning = false;
                c.http.maxRequestSize = config.maxRequestBytes();
                c.routes.before(clientAddress::resolve);
                c.routes.before(IdxAuthServer::requestId);
                c.routes.after(ctx -> MDC.remove("request_id"));
                c.routes.post("/oauth2/token", token);
                onlyMethod(c.routes, "/oauth2/token", "POST", errors);
                c.routes.post(
                    RevocationEndpoint.PATH,
                    new RevocationEndpoint(clients, ownTokens, revocations, clock));
                onlyMethod(c.routes, RevocationEndpoint.PATH, "POST", errors);
                c.routes.post(
                    IntrospectionEndpoint.PATH,
                    new IntrospectionEndpoint(clients, ownTokens, revocations, json, clock));
                onlyMethod(c.routes, IntrospectionEndpoint.PATH, "POST", errors);
                c.routes.get(
                    RevocationFeedEndpoint.PATH,
                    new RevocationFeedEndpoint(revocations, json, clock));
                onlyMethod(c.routes, RevocationFeedEndpoint.PATH, "GET", errors);
                c.routes.get(
                    MetadataEndpoint.PATH,
                    new MetadataEndpoint(config.issuerUrl(), directory::entityNames, json));
                c.routes.get(JwksEndpoint.PATH, new JwksEndpoint(keys));
                c.routes.get(
                    "/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));
                c.jetty.addConnector(listenerOn(config.host(), config.port(), listener));
                c.jetty.addConnector(
                    listenerOn(config.managementHost(), config.managementPort(), management));
                c.routes.before(ctx -> keepToListener(ctx, management.get(), errors));
                c.routes.get(
                    "/metrics",
                    ctx ->
                        ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                            .result(registry.scrape()));
                admin.register(
                    c.routes,
                    adminOpenApi,
                    new AdminParticipants(admin),
                    new AdminEntities(admin),
                    new AdminAccounts(
                        admin,
                        SecretHashes.DEFAULT,
                        accountPolicy,
                        lockouts,
                        config.maxTokenLifetime(),
                        clock),
                    new AdminKeys(admin, keys, clock),
                    new AdminAudit(admin, auditLog));
                c.routes.get("/health/live", health::live);
                c.routes.get("/health/ready", health::ready);
                businessFunctionApi.register(c.routes);
                c.routes.exception(OAuthError.class, errors::oauth);
                c.routes.exception(AdminProblem.class, errors::admin);
                c.routes.exception(Forbidden.class, errors::forbidden);
                c.routes.exception(
                    AdminStore.NotFound.class,
                    (e, ctx) -> errors.problem(ctx, 404, "Not Found", e.getMessage()));
                c.routes.exception(
                    AdminStore.Conflict.class,
                    (e, ctx) -> errors.problem(ctx, 409, "Conflict", e.getMessage()));
                c.routes.exception(StoreException.class, errors::storeUnavailable);
                c.routes.exception(HttpResponseException.class, errors::httpException);
                c.routes.exception(Exception.class, errors::unexpected);
                c.routes.error(
                    404,
                    ctx -> {
                      if (ctx.result() == null || ctx.result().isEmpty()) {
                        errors.problem(ctx, 404, "Not Found", "no resource at " + ctx.path());
                      }
                    });
              });
      try {
        app.start();
      } catch (RuntimeException e) {
        app.stop();
        maintenance.close();
        lockouts.close();
        auditLog.close();
        directory.close();
        throw new IllegalArgumentException(
            "cannot listen on "
                + config.host()
                + ":"
                + config.port()
                + " (public) and "
                + config.managementHost()
                + ":"
                + config.managementPort()
                + " (management; management-port) — is one of them in use? "
                + e.getMessage());
      }
      LOG.info(
          "idx-auth serving on {}:{} as issuer {} (signing key {})",
          config.host(),
          listener.get().getLocalPort(),
          config.issuerUrl(),
          keys.active().kid());
      LOG.info(
          "metrics on the management listener {}:{}/metrics",
          config.managementHost(),
          management.get().getLocalPort());
      maintenance.start();
      return new IdxAuthServer(
          config,
          database,
          directory,
          lockouts,
          keys,
          auditLog,
          maintenance,
          app,
          listener.get(),
          management.get());
    } catch (KeyEncryptionKey.KeyUnsealException e) {
      database.close();
      throw new IllegalArgumentException(e.getMessage());
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /**
   * The store the configuration names: a shared PostgreSQL, or the embedded one in the data dir.
   */
  public static Database openStore(ServerConfig config) {
    ServerConfig.StoreSettings store = config.store();
    return store.url() == null
        ? Database.openEmbedded(config.dataDir())
        : Database.connect(store.url(), store.user(), store.password(), store.poolSize());
  }

  /** A Jetty connector on {@code host:port}, remembered in {@code into} for its bound port. */
  private static BiFunction<Server, HttpConfiguration, Connector> listenerOn(
      String host, int port, AtomicReference<ServerConnector> into) {
    return (server, http) -> {
      ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
      connector.setHost(host);
      connector.setPort(port);
      into.set(connector);
      return connector;
    };
  }

  /**
   * Metrics only on the management listener — refusal reasons and traffic are the operator's
   * business, not the callers' — and nothing but metrics and health there.
   */
  private static void keepToListener(
      Context ctx, ServerConnector management, ErrorRenderer errors) {
    // The router ignores trailing slashes, so this check does too: /metrics/ is /metrics.
    String path = ctx.path();
    int end = path.length();
    while (end > 1 && path.charAt(end - 1) == '/') {
      end--;
    }
    path = path.substring(0, end);
    boolean onManagement = ctx.req().getLocalPort() == management.getLocalPort();
    if (!path.startsWith("/health/") && onManagement != path.equals("/metrics")) {
      errors.problem(ctx, 404, "Not Found", "no resource at " + path);
      ctx.skipRemainingHandlers();
    }
  }

  private static void requestId(Context ctx) {
    // Unique enough to find a request in the logs; not a secret, so no SecureRandom on the hot
    // path.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String id =
        Long.toHexString(random.nextLong() | Long.MIN_VALUE)
            + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    MDC.put("request_id", id);
    ctx.header("X-Request-Id", id);
  }

  /** Refuses every method but {@code allow} on {@code path}, HEAD, TRACE and unknown ones too. */
  private static void onlyMethod(
      io.javalin.config.RoutesConfig routes, String path, String allow, ErrorRenderer errors) {
    routes.before(
        path,
        ctx -> {
          if (!ctx.req().getMethod().equals(allow)) {
            ctx.header("Allow", allow);
            errors.problem(ctx, 405, "Method Not Allowed", path + " accepts only " + allow);
            ctx.skipRemainingHandlers();
          }
        });
  }

  private static byte[] resource(String name) {
    try (InputStream in = IdxAuthServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port the service listens on. */
  public int port() {
    return listener.getLocalPort();
  }

  /** The port of the management listener ({@code /metrics}, health). */
  public int managementPort() {
    return management.getLocalPort();
  }

  public ServerConfig config() {
    return config;
  }

  /** The kid of the key that signs now. */
  public String signingKeyId() {
    return keys.active().kid();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    app.stop();
    maintenance.close();
    lockouts.close();
    auditLog.close();
    directory.close();
    database.close();
  }

  /** The audit trail, for tests that wait for it to be stored. */
  public AuditLog auditLog() {
    return auditLog;
  }
}
