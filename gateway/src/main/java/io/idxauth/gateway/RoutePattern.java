package io.idxauth.gateway;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The path pattern of a route, matched segment by segment against the canonical (decoded,
 * dot-segment-free) request path: a literal segment matches itself, {@code *} matches any one
 * non-empty segment, and a final {@code **} matches the rest of the path, none or many segments.
 * {@code /pqd/v1/**} matches {@code /pqd/v1}, {@code /pqd/v1/} and {@code /pqd/v1/a/b}, not {@code
 * /pqd/v10}.
 */
public record RoutePattern(String text, List<String> segments, boolean rest) {

  static final String ANY_SEGMENT = "*";
  static final String ANY_REST = "**";

  /** What a literal segment may hold: RFC 3986 pchar, written decoded, minus the wildcards. */
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()+,;=:@%-]+");

  public RoutePattern {
    segments = List.copyOf(segments);
  }

  /**
   * Parses a pattern.
   *
   * @throws IllegalArgumentException with a message that says what is wrong with it
   */
  public static RoutePattern parse(String text) {
    if (text == null || !text.startsWith("/")) {
      throw new IllegalArgumentException("must start with /");
    }
    if (text.contains("?") || text.contains("#")) {
      throw new IllegalArgumentException("must be a path alone, without ? or #");
    }
    if (text.equals("/")) {
      return new RoutePattern(text, List.of(), false);
    }
    String[] parts = text.substring(1).split("/", -1);
    boolean rest = parts[parts.length - 1].equals(ANY_REST);
    int literalCount = rest ? parts.length - 1 : parts.length;
    for (int i = 0; i < literalCount; i++) {
      String part = parts[i];
      if (part.isEmpty()) {
        throw new IllegalArgumentException("has an empty segment (// or a trailing /)");
      }
      if (part.equals(ANY_REST)) {
        throw new IllegalArgumentException("may use ** only as its last segment");
      }
      if (part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("may not hold . or .. segments");
      }
      if (!part.equals(ANY_SEGMENT) && !LITERAL.matcher(part).matches()) {
        throw new IllegalArgumentException(
            "segment '" + part + "' is neither *, ** nor a literal of URL path characters");
      }
    }
    return new RoutePattern(text, List.of(parts).subList(0, literalCount), rest);
  }

  /** Whether {@code path}, a canonical request path starting with {@code /}, matches. */
  public boolean matches(String path) {
    int at = 1; // just after the leading slash
    int n = path.length();
    for (String segment : segments) {
      if (at > n) {
        return false;
      }
      int end = path.indexOf('/', at);
      if (end < 0) {
        end = n;
      }
      if (end == at) {
        return false; // an empty segment never matches
      }
      if (!segment.equals(ANY_SEGMENT)) {
        if (end - at != segment.length() || !path.startsWith(segment, at)) {
          return false;
        }
      }
      at = end + 1;
    }
    if (rest) {
      return true;
    }
    // Every segment matched; nothing may follow but the end of the path.
    return at == n + 1 || (segments.isEmpty() && n == 1);
  }

  /**
   * Whether every path {@code later} matches is also matched by this pattern, so that a route
   * listed after this one would never be reached.
   */
  boolean covers(RoutePattern later) {
    if (!rest) {
      return equals(later);
    }
    if (later.segments.size() < segments.size()) {
      return false;
    }
    for (int i = 0; i < segments.size(); i++) {
      String mine = segments.get(i);
      String theirs = later.segments.get(i);
      if (!mine.equals(ANY_SEGMENT) && !mine.equals(theirs)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }
}
