package io.idxauth.gateway;

import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code idx-auth gateway}: the enforcing reverse proxy in front of IDX APIs. Every call needs a
 * valid bearer token of the configured issuer, well-formed {@code x-initiatingParticipantId} and
 * {@code x-market} headers, and — on a route that names an entity — a grant of that entity and the
 * method's operation for the initiating participant; then the route's rate limits apply and the
 * call is proxied, bodies streamed both ways, with the caller's identity in {@code x-idx-*}
 * headers. {@code /_idx/decision} offers the same decision to nginx ({@code auth_request}), {@code
 * /_idx/health} says the gateway is up.
 *
 * <p>Plain Jetty (no web framework): this is the hot path of every IDX call.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Server server;
  private final ServerConnector connector;
  private final TokenValidator validator;
  private final boolean ownsValidator;
  private final RateLimiter limiter;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Gateway(
      Server server,
      ServerConnector connector,
      TokenValidator validator,
      boolean ownsValidator,
      RateLimiter limiter) {
    this.server = server;
    this.connector = connector;
    this.validator = validator;
    this.ownsValidator = ownsValidator;
    this.limiter = limiter;
  }

  /**
   * Starts a gateway that validates tokens against {@code config}'s issuer, its JWKS and (unless
   * the poll is zero) its revocation feed.
   *
   * @throws IllegalArgumentException when it cannot listen on the configured address
   */
  public static Gateway start(GatewayConfig config) {
    TokenValidator.Builder builder =
        TokenValidator.builder(config.issuer()).jwksUri(config.jwks()).audience(config.audience());
    if (!config.revocationsPoll().isZero()) {
      builder.revocations(config.revocationFeed(), config.revocationsPoll());
    }
    TokenValidator validator = builder.build();
    try {
      return start(config, validator, true);
    } catch (RuntimeException e) {
      validator.close();
      throw e;
    }
  }

  /** Starts a gateway with a validator of the caller's, which stays the caller's to close. */
  public static Gateway start(GatewayConfig config, TokenValidator validator) {
    return start(config, validator, false);
  }

  private static Gateway start(
      GatewayConfig config, TokenValidator validator, boolean ownsValidator) {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("gateway");
    // No reserved threads: a call is handed to a pool thread once, rather than the selector
    // waking a reserved thread to take over selecting (fewer system calls per call; see
    // bench/README.md).
    threads.setReservedThreads(0);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Tokens with many entitlements are long; the default 8 KiB would refuse them.
    http.setRequestHeaderSize(32 * 1024);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(config.host());
    connector.setPort(config.port());
    server.addConnector(connector);
    RateLimiter limiter =
        config.sharedLimits() == null
            ? new RateLimiter(config.routes())
            : new RateLimiter(config.routes(), config.sharedLimits());
    Enforcement enforcement = new Enforcement(config.routes(), validator, limiter);
    server.setHandler(new GatewayHandler(enforcement, new GatewayProxy(config.connectTimeout())));
    server.setErrorHandler(new GatewayErrorHandler());
    try {
      server.start();
    } catch (Exception e) {
      stop(server);
      throw new IllegalArgumentException(
          "cannot listen on "
              + config.host()
              + ":"
              + config.port()
              + " — is it in use? "
              + e.getMessage());
    }
    LOG.info(
        "idx-auth gateway on {}:{} for issuer {}: {} routes",
        config.host(),
        connector.getLocalPort(),
        config.issuer(),
        config.routes().routes().size());
    if (config.sharedLimits() != null) {
      LOG.info(
          "rate limits shared with the other gateways through the store, exchanged every {} ms",
          RateLimiter.SYNC_PERIOD.toMillis());
    }
    for (Route route : config.routes().routes()) {
      LOG.info(
          "route {} -> {} entity={} limits={}",
          route.path(),
          route.upstream(),
          route.entity() == null ? "(any valid token)" : route.entity(),
          route.rateLimits());
    }
    limiter.start();
    return new Gateway(server, connector, validator, ownsValidator, limiter);
  }

  /** The port the gateway listens on. */
  public int port() {
    return connector.getLocalPort();
  }

  /** Its rate limits (for tests: {@link RateLimiter#sync()}). */
  RateLimiter rateLimiter() {
    return limiter;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stop(server);
    limiter.close();
    if (ownsValidator) {
      validator.close();
    }
  }

  private static void stop(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping the gateway: {}", e.toString());
    }
  }
}
