package io.idxauth.store;

/** The store could not do what was asked: the database is unreachable, full, or inconsistent. */
public final class StoreException extends RuntimeException {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
