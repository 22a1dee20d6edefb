package io.idxauth.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How {@code idx-auth gateway} runs, validated when it is made.
 *
 * @param routes the routes it enforces
 * @param host the address to bind
 * @param port the port to listen on (0: any free port)
 * @param issuer the token service whose tokens it accepts ({@code iss})
 * @param jwksUri where the signing keys are published; {@code null}: {@code {issuer}/oauth2/jwks}
 * @param audience the {@code aud} tokens must carry
 * @param revocationsPoll how often to fetch the token service's revocation feed; zero: never
 * @param connectTimeout the longest a connection to an upstream may take to open
 * @param sharedLimits where the gateways of a fleet share their rate limits (the store); {@code
 *     null}: each counts alone
 */
public record GatewayConfig(
    RouteTable routes,
    String host,
    int port,
    URI issuer,
    URI jwksUri,
    String audience,
    Duration revocationsPoll,
    Duration connectTimeout,
    SharedBuckets sharedLimits) {

  public static final String DEFAULT_AUDIENCE = "idx-api";
  public static final Duration DEFAULT_REVOCATIONS_POLL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

  public GatewayConfig {
    Objects.requireNonNull(routes, "routes");
    host = host == null || host.isBlank() ? "0.0.0.0" : host;
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " is not a port number (0-65535)");
    }
    issuer = httpUrl("issuer", issuer);
    if (jwksUri != null) {
      jwksUri = httpUrl("jwks", jwksUri);
    }
    audience = audience == null || audience.isBlank() ? DEFAULT_AUDIENCE : audience;
    revocationsPoll = revocationsPoll == null ? DEFAULT_REVOCATIONS_POLL : revocationsPoll;
    if (revocationsPoll.isNegative()
        || (!revocationsPoll.isZero() && revocationsPoll.compareTo(Duration.ofMillis(100)) < 0)) {
      throw new IllegalArgumentException(
          "revocations-poll: must be 0 (no polling) or at least 100ms, not " + revocationsPoll);
    }
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connect-timeout: must be positive");
    }
  }

  /** A gateway that counts its rate limits alone. */
  public GatewayConfig(
      RouteTable routes,
      String host,
      int port,
      URI issuer,
      URI jwksUri,
      String audience,
      Duration revocationsPoll,
      Duration connectTimeout) {
    this(routes, host, port, issuer, jwksUri, audience, revocationsPoll, connectTimeout, null);
  }

  /** This configuration, with its rate limits shared through {@code shared}. */
  public GatewayConfig withSharedLimits(SharedBuckets shared) {
    return new GatewayConfig(
        routes, host, port, issuer, jwksUri, audience, revocationsPoll, connectTimeout, shared);
  }

  /** The settings that have defaults, defaulted. */
  public static GatewayConfig of(RouteTable routes, String host, int port, URI issuer) {
    return new GatewayConfig(routes, host, port, issuer, null, null, null, null);
  }

  /** Where the signing keys are published. */
  public URI jwks() {
    return jwksUri != null ? jwksUri : under(issuer, "/oauth2/jwks");
  }

  /** The token service's revocation feed. */
  public URI revocationFeed() {
    return under(issuer, "/oauth2/revocations");
  }

  private static URI under(URI base, String path) {
    String text = base.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return URI.create(text + path);
  }

  private static URI httpUrl(String name, URI url) {
    if (url == null) {
      throw new IllegalArgumentException(name + ": required (the URL of the token service)");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new IllegalArgumentException(name + ": '" + url + "' is not an http(s) URL");
    }
    return url;
  }

  /**
   * Parses a duration as people write it in files and options: {@code 500ms}, {@code 2s}, {@code
   * 5m}, {@code 1h}, or {@code 0}.
   *
   * @throws IllegalArgumentException when {@code text} is none of those
   */
  public static Duration parseDuration(String text) {
    String t = text == null ? "" : text.trim();
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration such as 500ms, 2s, 5m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
