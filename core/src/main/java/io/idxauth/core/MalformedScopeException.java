package io.idxauth.core;

/** A {@code scope} string that breaks the RFC 6749 §3.3 grammar. */
public final class MalformedScopeException extends Exception {

  public MalformedScopeException(String message) {
    super(message, null, false, false);
  }
}
