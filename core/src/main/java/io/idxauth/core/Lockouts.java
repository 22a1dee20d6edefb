package io.idxauth.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Failed authentications, counted per client_id and per source address, in memory.
 *
 * <p>A client_id that fails {@code lockoutThreshold} times in a row is locked for {@code
 * lockoutDuration}: even its correct secret is refused. The count is kept for every client_id
 * presented, known or not, so that locking says nothing about which accounts exist. Anyone who
 * knows a client_id can lock it; the per-source limit bounds how much one address can try, and both
 * are refused before any slow hash is paid.
 */
public final class Lockouts {

  /** Consecutive failures of one client_id, and the lock they set. */
  private record Failures(int count, Instant lockedUntil) {}

  /** Failures from one source address in the window that started at {@code start}. */
  private record Window(Instant start, int count) {}

  private final AccountPolicy policy;
  private final Cache<String, Failures> byClient;
  private final Cache<String, Window> bySource;

  public Lockouts(AccountPolicy policy, long maxTracked) {
    this.policy = policy;
    // Each failure rewrites the entry: a count with no failure for a lockout period is forgotten.
    this.byClient =
        Caffeine.newBuilder()
            .maximumSize(maxTracked)
            .expireAfterWrite(positive(policy.lockoutDuration()))
            .build();
    this.bySource =
        Caffeine.newBuilder()
            .maximumSize(maxTracked)
            .expireAfterWrite(positive(policy.sourceWindow()))
            .build();
  }

  /**
   * The refusal a request gets before its secret is looked at: {@code LOCKED}, {@code
   * SOURCE_LIMITED}, or {@code null} to go on.
   */
  public ClientAuthenticator.Refusal check(String clientId, String source, Instant now) {
    if (lockedUntil(clientId, now) != null) {
      return ClientAuthenticator.Refusal.LOCKED;
    }
    return sourceLimited(source, now) ? ClientAuthenticator.Refusal.SOURCE_LIMITED : null;
  }

  /** True when {@code source} has had its fill of failures in the current window. */
  public boolean sourceLimited(String source, Instant now) {
    if (policy.sourceFailureLimit() == 0) {
      return false;
    }
    Window window = bySource.getIfPresent(sourceKey(source));
    return window != null
        && window.count() >= policy.sourceFailureLimit()
        && now.isBefore(window.start().plus(policy.sourceWindow()));
  }

  /**
   * The key a source address is counted under: an IPv6 address by its /64 (one subscriber's
   * allocation, so that rotating through it does not escape the limit), an IPv4-mapped one as IPv4.
   */
  static String sourceKey(String source) {
    if (source == null) {
      return "";
    }
    String address = source.startsWith("[") ? source.substring(1, source.length() - 1) : source;
    if (!address.contains(":")) {
      return address;
    }
    if (address.toLowerCase(Locale.ROOT).startsWith("::ffff:") && address.contains(".")) {
      return address.substring("::ffff:".length());
    }
    try {
      byte[] bytes = InetAddress.getByName(address).getAddress();
      if (bytes.length != 16) {
        return address;
      }
      StringBuilder prefix = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        prefix
            .append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)))
            .append(':');
      }
      return prefix.append(":/64").toString();
    } catch (UnknownHostException e) {
      return address;
    }
  }

  /** Counts a wrong secret or an unknown client_id presented from {@code source}. */
  public void failed(String clientId, String source, Instant now) {
    // A client_id no account can have is counted by its source only: its form is public, so
    // counting it hides nothing, and it could be up to a request body long.
    if (policy.lockoutThreshold() > 0 && ServiceAccount.isValidClientId(clientId)) {
      byClient
          .asMap()
          .compute(
              clientId,
              (id, held) -> {
                // Failures that were in flight when the lock was set neither reset nor extend it.
                if (held != null && held.lockedUntil() != null) {
                  return now.isBefore(held.lockedUntil()) ? held : new Failures(1, null);
                }
                int count = held == null ? 1 : held.count() + 1;
                Instant lock =
                    count >= policy.lockoutThreshold() ? now.plus(policy.lockoutDuration()) : null;
                return new Failures(count, lock);
              });
    }
    if (policy.sourceFailureLimit() > 0) {
      bySource
          .asMap()
          .compute(
              sourceKey(source),
              (s, held) ->
                  held == null || !now.isBefore(held.start().plus(policy.sourceWindow()))
                      ? new Window(now, 1)
                      : new Window(held.start(), held.count() + 1));
    }
  }

  /** A correct secret ends the run of failures, unless a lock was set meanwhile. */
  public void succeeded(String clientId, Instant now) {
    if (byClient.getIfPresent(clientId) != null) {
      byClient
          .asMap()
          .computeIfPresent(
              clientId,
              (id, held) ->
                  held.lockedUntil() != null && now.isBefore(held.lockedUntil()) ? held : null);
    }
  }

  /** Until when {@code clientId} is locked, or {@code null} when it is not. */
  public Instant lockedUntil(String clientId, Instant now) {
    Failures failures = byClient.getIfPresent(clientId);
    return failures != null
            && failures.lockedUntil() != null
            && now.isBefore(failures.lockedUntil())
        ? failures.lockedUntil()
        : null;
  }

  /** Lifts a lock (an administrator's decision). */
  public void unlock(String clientId) {
    byClient.invalidate(clientId);
  }

  private static Duration positive(Duration d) {
    return d.isZero() ? Duration.ofMillis(1) : d;
  }
}
