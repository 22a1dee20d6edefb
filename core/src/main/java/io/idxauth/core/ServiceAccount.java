package io.idxauth.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The OAuth client: an account whose username is the {@code client_id}, owned by one participant.
 */
public record ServiceAccount(String clientId, String participantId, boolean enabled) {

  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

  public ServiceAccount {
    if (!isValidClientId(clientId)) {
      throw new IllegalArgumentException("client id must match " + CLIENT_ID.pattern());
    }
    Objects.requireNonNull(participantId, "participantId");
  }

  public static boolean isValidClientId(String clientId) {
    return clientId != null && CLIENT_ID.matcher(clientId).matches();
  }

  public static String clientIdPattern() {
    return CLIENT_ID.pattern();
  }
}
