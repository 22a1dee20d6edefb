package io.idxauth.gateway;

import io.idxauth.core.Operation;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One route of the gateway: which calls it takes, where it sends them and what a token must grant
 * for them to pass.
 *
 * @param path the paths it takes
 * @param upstream where calls go: the request's canonical path is appended to its path
 * @param entity the entity a token must grant, or {@code null} when any valid token will do
 * @param operations the operation each accepted method needs; other methods are refused with 405
 * @param rateLimits limits per participant, all of which apply
 * @param timeout the longest the upstream may stay silent (connect, answer, or between two reads)
 * @param forwardToken whether the caller's {@code Authorization} header goes on to the upstream
 */
public record Route(
    RoutePattern path,
    URI upstream,
    String entity,
    Map<String, Operation> operations,
    List<RateLimit> rateLimits,
    Duration timeout,
    boolean forwardToken) {

  /** RFC 9110 methods onto IDX operations, when a route does not say otherwise. */
  public static final Map<String, Operation> DEFAULT_OPERATIONS =
      Map.of(
          "GET", Operation.READ,
          "HEAD", Operation.READ,
          "POST", Operation.CREATE,
          "PUT", Operation.UPDATE,
          "PATCH", Operation.UPDATE,
          "DELETE", Operation.DELETE);

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  public Route {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(upstream, "upstream");
    operations = Map.copyOf(operations);
    rateLimits = List.copyOf(rateLimits);
    Objects.requireNonNull(timeout, "timeout");
  }

  /** The operation {@code method} needs on this route, or {@code null} when it is not accepted. */
  public Operation operation(String method) {
    return operations.get(method);
  }

  /**
   * A number of calls per window, written {@code 50/minute}. Limits refill smoothly (a token
   * bucket): {@code 1440/day} allows a burst of 1440 and then one call a minute.
   */
  public record RateLimit(long calls, Duration window, String text) {

    private static final Pattern FORM = Pattern.compile("([1-9][0-9]{0,9})\\s*/\\s*([a-z]+)");

    /**
     * Parses {@code N/second}, {@code N/minute}, {@code N/hour} or {@code N/day}.
     *
     * @throws IllegalArgumentException when {@code text} is not one of those
     */
    public static RateLimit parse(String text) {
      Matcher m = FORM.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
      if (m.matches()) {
        Duration window =
            switch (m.group(2)) {
              case "second" -> Duration.ofSeconds(1);
              case "minute" -> Duration.ofMinutes(1);
              case "hour" -> Duration.ofHours(1);
              case "day" -> Duration.ofDays(1);
              default -> null;
            };
        if (window != null) {
          return new RateLimit(Long.parseLong(m.group(1)), window, m.group(1) + "/" + m.group(2));
        }
      }
      throw new IllegalArgumentException(
          "'" + text + "' is not N/second, N/minute, N/hour or N/day (N a whole number from 1)");
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
