package io.idxauth.core;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Authenticates a client by its id and secret (RFC 6749 §2.3.1), under the account lifecycle
 * policy. Every refusal looks the same to the caller; the reason is kept for the audit trail.
 */
public final class ClientAuthenticator {

  /** Why a client was refused. Never shown to the caller. */
  public enum Refusal {
    UNKNOWN_CLIENT,
    WRONG_SECRET,
    EXPIRED_SECRET,
    DISABLED,
    LOCKED,
    SOURCE_LIMITED;

    /** The name in logs, metrics and the audit trail: {@code wrong_secret}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Either an authenticated account and the secret it used, or the reason for refusing ({@code
   * account} is then set when the client_id named an account).
   */
  public record Outcome(AccountRecord account, ClientSecret secret, Refusal refusal) {
    public boolean authenticated() {
      return refusal == null;
    }
  }

  private final AccountDirectory directory;
  private final SecretVerifier verifier;
  private final AccountPolicy policy;
  private final Lockouts lockouts;
  private final Clock clock;

  public ClientAuthenticator(
      AccountDirectory directory,
      SecretVerifier verifier,
      AccountPolicy policy,
      Lockouts lockouts,
      Clock clock) {
    this.directory = directory;
    this.verifier = verifier;
    this.policy = policy;
    this.lockouts = lockouts;
    this.clock = clock;
  }

  /**
   * @param source the caller's address, for the per-source failure limit
   * @throws SecretVerifier.Busy when the slow lane is full
   */
  public Outcome authenticate(String clientId, String secret, String source) {
    Instant now = clock.instant();
    // A client_id no account can have is unknown without a lookup, so it is neither queried nor
    // cached.
    Optional<AccountRecord> found =
        ServiceAccount.isValidClientId(clientId) ? directory.account(clientId) : Optional.empty();
    AccountRecord account = found.orElse(null);

    // Locked and limited callers are refused before any slow hash: that is the point of limiting.
    Refusal early = lockouts.check(clientId, source, now);
    if (early != null) {
      return new Outcome(account, null, early);
    }
    if (account == null) {
      padSlowChecks(secret, 0);
      lockouts.failed(clientId, source, now);
      return new Outcome(null, null, Refusal.UNKNOWN_CLIENT);
    }
    ClientSecret matched = verifier.match(account.secrets(), secret);
    if (matched == null) {
      // match() paid one slow check per secret, or one when there is none.
      padSlowChecks(secret, Math.max(1, account.secrets().size()));
      lockouts.failed(clientId, source, now);
      return new Outcome(account, null, Refusal.WRONG_SECRET);
    }
    Instant expiry = policy.expiryOf(matched);
    if (expiry != null && !now.isBefore(expiry)) {
      return new Outcome(account, matched, Refusal.EXPIRED_SECRET);
    }
    if (!account.account().enabled()) {
      return new Outcome(account, matched, Refusal.DISABLED);
    }
    lockouts.succeeded(clientId);
    return new Outcome(account, matched, null);
  }

  /**
   * Every failed check costs as many slow hashes as an account with the most secrets would, so the
   * time of a refusal says neither whether the account exists nor whether it is mid-rotation.
   */
  private void padSlowChecks(String secret, int paid) {
    for (int i = paid; i < AccountPolicy.MAX_SECRETS; i++) {
      verifier.burn(secret);
    }
  }
}
