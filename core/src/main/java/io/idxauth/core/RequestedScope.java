package io.idxauth.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The entity names a client asked for, parsed per RFC 6749 §3.3, in request order, repeats
 * collapsed.
 */
public final class RequestedScope {

  private RequestedScope() {}

  /**
   * Parses a {@code scope} parameter. {@code null} or empty means no scope was requested.
   *
   * @throws MalformedScopeException when the string is not {@code scope-token *( SP scope-token )}
   */
  public static List<String> parse(String scope) throws MalformedScopeException {
    if (scope == null || scope.isEmpty()) {
      return List.of();
    }
    Set<String> names = new LinkedHashSet<>();
    int start = 0;
    for (int i = 0; i <= scope.length(); i++) {
      if (i == scope.length() || scope.charAt(i) == ' ') {
        if (i == start) {
          throw new MalformedScopeException(
              "scope has an empty scope-token at position "
                  + i
                  + ": separate entity names with exactly one space");
        }
        names.add(scope.substring(start, i));
        start = i + 1;
        continue;
      }
      char c = scope.charAt(i);
      // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
      if (c < 0x21 || c == 0x22 || c == 0x5C || c > 0x7E) {
        throw new MalformedScopeException(
            "scope has a character not allowed in a scope-token at position "
                + i
                + " (allowed: printable ASCII except space, '\"' and '\\')");
      }
    }
    return new ArrayList<>(names);
  }
}
