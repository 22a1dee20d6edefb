package io.idxauth.server;

import io.idxauth.core.KeyRing;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/** {@code GET /oauth2/jwks}: the RFC 7517 JWK Set of every published signing key. */
final class JwksEndpoint implements Handler {

  static final String PATH = "/oauth2/jwks";

  private final KeyRing keys;

  JwksEndpoint(KeyRing keys) {
    this.keys = keys;
  }

  @Override
  public void handle(Context ctx) {
    // Short caching: verifiers refetch on an unknown kid, and new keys are published before use.
    ctx.header("Cache-Control", "public, max-age=300");
    ctx.contentType("application/jwk-set+json").result(keys.jwksJson());
  }
}
