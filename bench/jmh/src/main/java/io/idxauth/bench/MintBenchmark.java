package io.idxauth.bench;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.idxauth.core.IssuedToken;
import io.idxauth.core.KeyRing;
import io.idxauth.core.TokenMinter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link TokenMinter#mint} of a scoped token (2 entities in {@code authorization_details}) exactly
 * as the service does it: claims map, JSON, base64url, RS256 signature with the KeyRing's signer.
 * No HTTP, no client authentication, no scope resolution. One minter is shared by all threads, as
 * in the service; {@code mint2Threads} reports the sum over both threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MintBenchmark {

  /** {@code jdk}: the JDK's own RSA; {@code accp}: Amazon Corretto Crypto Provider. */
  @Param({"jdk", "accp"})
  public String provider;

  private TokenMinter minter;

  @Setup
  public void setUp() throws Exception {
    KeyRing ring = Fixtures.keyRing(Fixtures.provider(provider));
    minter = Fixtures.minter(ring);
    // Check once that what is measured is a valid scoped token.
    IssuedToken token = minter.mint(Fixtures.ACCOUNT, Fixtures.SCOPED_GRANT);
    JWSObject jws = JWSObject.parse(token.value());
    RSAKey publicKey = JWKSet.parse(ring.jwksJson()).getKeys().getFirst().toRSAKey();
    if (!jws.verify(new RSASSAVerifier(publicKey))
        || !"pqd mtrd".equals(token.scope())
        || !jws.getPayload().toJSONObject().containsKey("authorization_details")) {
      throw new IllegalStateException("the minted token is not a valid scoped token: " + token);
    }
  }

  @Benchmark
  @Threads(1)
  public IssuedToken mint1Thread() {
    return minter.mint(Fixtures.ACCOUNT, Fixtures.SCOPED_GRANT);
  }

  @Benchmark
  @Threads(2)
  public IssuedToken mint2Threads() {
    return minter.mint(Fixtures.ACCOUNT, Fixtures.SCOPED_GRANT);
  }
}
