package io.idxauth.core;

import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The OAuth client: an account whose username is the {@code client_id}, owned by one participant.
 *
 * @param roles the administrative roles it holds (none for an ordinary client)
 * @param tokenLifetime the lifetime of its tokens, or {@code null} for the service's default
 */
public record ServiceAccount(
    String clientId,
    String participantId,
    boolean enabled,
    Set<Role> roles,
    Duration tokenLifetime) {

  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

  /** The shortest and longest token lifetime an account may be given. */
  public static final Duration MIN_TOKEN_LIFETIME = Duration.ofMinutes(1);

  public static final Duration MAX_TOKEN_LIFETIME = Duration.ofHours(24);

  public ServiceAccount {
    if (!isValidClientId(clientId)) {
      throw new IllegalArgumentException("client id must match " + CLIENT_ID.pattern());
    }
    Objects.requireNonNull(participantId, "participantId");
    roles = Collections.unmodifiableSet(Role.copyOf(roles));
    if (tokenLifetime != null && !isValidTokenLifetime(tokenLifetime)) {
      throw new IllegalArgumentException(
          "token lifetime must be between 60 and " + MAX_TOKEN_LIFETIME.toSeconds() + " seconds");
    }
  }

  /** An ordinary account: no roles, the default token lifetime. */
  public ServiceAccount(String clientId, String participantId, boolean enabled) {
    this(clientId, participantId, enabled, Set.of(), null);
  }

  public boolean isAdmin() {
    return !roles.isEmpty();
  }

  public static boolean isValidClientId(String clientId) {
    return clientId != null && CLIENT_ID.matcher(clientId).matches();
  }

  public static boolean isValidTokenLifetime(Duration lifetime) {
    return lifetime.compareTo(MIN_TOKEN_LIFETIME) >= 0
        && lifetime.compareTo(MAX_TOKEN_LIFETIME) <= 0;
  }

  public static String clientIdPattern() {
    return CLIENT_ID.pattern();
  }
}
