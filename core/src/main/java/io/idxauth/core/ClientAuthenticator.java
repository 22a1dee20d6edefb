package io.idxauth.core;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

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
    boolean wellFormed = ServiceAccount.isValidClientId(clientId);

    // Locked callers are refused before the store is asked or a slow hash is paid: that is the
    // point of locking. Their account, for the audit trail, only if it is in memory already.
    if (lockouts.lockedUntil(clientId, now) != null) {
      return new Outcome(
          wellFormed ? directory.cachedAccount(clientId).orElse(null) : null, null, Refusal.LOCKED);
    }
    boolean sourceLimited = lockouts.sourceLimited(source, now);
    AccountRecord account = wellFormed ? directory.account(clientId).orElse(null) : null;
    if (sourceLimited) {
      // A source over its limit may still use a secret already proven here (one HMAC, no slow
      // hash), so the clients behind a shared address that are not guessing keep working.
      ClientSecret remembered =
          account == null ? null : verifier.matchRemembered(account.secrets(), secret);
      if (remembered == null) {
        return new Outcome(account, null, Refusal.SOURCE_LIMITED);
      }
      return decide(account, remembered, clientId, now);
    }
    if (account == null) {
      lockouts.failed(clientId, source, now);
      padSlowChecks(secret, 0);
      return new Outcome(null, null, Refusal.UNKNOWN_CLIENT);
    }
    ClientSecret matched;
    try {
      // Asked again when the slow check gets its turn: a lock or limit set while this request
      // waited in the lane stops it there, so in-flight guesses cannot overshoot the limits.
      matched =
          verifier.match(
              account.secrets(), secret, () -> lockouts.check(clientId, source, now) == null);
    } catch (SecretVerifier.GateClosed e) {
      Refusal refusal = lockouts.check(clientId, source, now);
      return new Outcome(account, null, refusal == null ? Refusal.LOCKED : refusal);
    }
    if (matched == null) {
      // Counted before the padding, which may find the slow lane full.
      lockouts.failed(clientId, source, now);
      padSlowChecks(secret, Math.max(1, account.secrets().size()));
      return new Outcome(account, null, Refusal.WRONG_SECRET);
    }
    // A lock set while this request was being checked stands, even against the right secret.
    if (lockouts.lockedUntil(clientId, now) != null) {
      return new Outcome(account, null, Refusal.LOCKED);
    }
    return decide(account, matched, clientId, now);
  }

  /** The refusal, or the success, of a request whose secret matched. */
  private Outcome decide(
      AccountRecord account, ClientSecret matched, String clientId, Instant now) {
    Instant expiry = policy.expiryOf(matched);
    if (expiry != null && !now.isBefore(expiry)) {
      return new Outcome(account, matched, Refusal.EXPIRED_SECRET);
    }
    if (!account.account().enabled()) {
      return new Outcome(account, matched, Refusal.DISABLED);
    }
    lockouts.succeeded(clientId, now);
    return new Outcome(account, matched, null);
  }

  /**
   * Every failed check costs as many slow hashes as an account with the most secrets would, so the
   * time of a refusal says neither whether the account exists nor whether it is mid-rotation.
   */
  private void padSlowChecks(String secret, int paid) {
    try {
      for (int i = paid; i < AccountPolicy.MAX_SECRETS; i++) {
        verifier.burn(secret);
      }
    } catch (SecretVerifier.Busy e) {
      // The padding is best effort: the refusal it pads is already decided and counted.
    }
  }
}
