package io.idxauth.core;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Authenticates a client by its id and secret (RFC 6749 §2.3.1). Every refusal looks the same to
 * the caller; the reason is kept for the audit trail.
 */
public final class ClientAuthenticator {

  /** Why a client was refused. Never shown to the caller. */
  public enum Refusal {
    UNKNOWN_CLIENT,
    WRONG_SECRET,
    EXPIRED_SECRET,
    DISABLED
  }

  /** Either an authenticated account or the reason for refusing. */
  public record Outcome(AccountRecord account, Refusal refusal) {
    public boolean authenticated() {
      return refusal == null;
    }
  }

  private final AccountDirectory directory;
  private final SecretVerifier verifier;
  private final Clock clock;

  public ClientAuthenticator(AccountDirectory directory, SecretVerifier verifier, Clock clock) {
    this.directory = directory;
    this.verifier = verifier;
    this.clock = clock;
  }

  public Outcome authenticate(String clientId, String secret) {
    // A client_id no account can have is unknown without a lookup, so it is neither queried nor
    // cached.
    Optional<AccountRecord> found =
        ServiceAccount.isValidClientId(clientId) ? directory.account(clientId) : Optional.empty();
    if (found.isEmpty()) {
      verifier.burn(secret);
      return new Outcome(null, Refusal.UNKNOWN_CLIENT);
    }
    AccountRecord account = found.get();
    Instant now = clock.instant();
    ClientSecret matched = verifier.match(account.secrets(), secret);
    if (matched == null) {
      return new Outcome(account, Refusal.WRONG_SECRET);
    }
    if (matched.isExpiredAt(now)) {
      return new Outcome(account, Refusal.EXPIRED_SECRET);
    }
    if (!account.account().enabled()) {
      return new Outcome(account, Refusal.DISABLED);
    }
    return new Outcome(account, null);
  }
}
