package io.idxauth.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One secret of a service account, held only as a slow hash (a PHC string or a bcrypt string).
 *
 * @param expires when the secret stops working, or {@code null} for never
 */
public record ClientSecret(String id, String hash, Instant created, Instant expires) {

  public ClientSecret {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(created, "created");
  }

  public boolean isExpiredAt(Instant now) {
    return expires != null && !now.isBefore(expires);
  }
}
