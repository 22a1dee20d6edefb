package io.idxauth.core;

/** Where audit events go: stored to be queried, and logged. */
public interface AuditTrail {

  /** Records {@code event}; may return before it is stored, but never loses it silently. */
  void record(AuditEvent event);
}
