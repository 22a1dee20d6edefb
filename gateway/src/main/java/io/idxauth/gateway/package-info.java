/**
 * Enforcement of idx-auth tokens: {@link io.idxauth.gateway.TokenValidator}, a validator any Java
 * resource server can use alone, and the enforcing reverse proxy of {@code idx-auth gateway}.
 */
package io.idxauth.gateway;
