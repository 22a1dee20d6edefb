package io.idxauth.bench;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
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
 * The RS256 signature alone (SHA256withRSA over a real token's signing input, RSA-2048), one thread,
 * in the ways a signer can be set up. Nimbus's RSASSASigner asks the provider for a new Signature
 * and calls initSign on every token. Until commit d043031 KeyRing built the private key with the
 * default KeyFactory (the JDK's), so ACCP was handed a key of another provider on every token
 * ({@code accp-jdk-key}); since then it uses the provider's own KeyFactory ({@code accp-accp-key}).
 *
 * <ul>
 *   <li>{@code jdk}: the JDK's Signature and key, new Signature + initSign per token
 *   <li>{@code accp-jdk-key}: ACCP's Signature, the JDK's key object, new Signature + initSign per
 *       token (what KeyRing + RSASSASigner did before d043031)
 *   <li>{@code accp-accp-key}: as above but the key made by ACCP's own KeyFactory (what they do now)
 *   <li>{@code accp-accp-key-reused}: ACCP key, one Signature per thread initialised once and
 *       reused (sign() resets it for the next message)
 * </ul>
 *
 * Compare with {@code openssl speed rsa2048} sign/s on one core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class RsaSignBenchmark {

  @Param({"jdk", "accp-jdk-key", "accp-accp-key", "accp-accp-key-reused"})
  public String variant;

  private Provider provider;
  private PrivateKey key;
  private Signature reused;
  private byte[] signingInput;

  @Setup
  public void setUp() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    byte[] pkcs8 = pair.getPrivate().getEncoded();
    Provider accp = Fixtures.provider("accp");
    provider = variant.equals("jdk") ? null : accp;
    KeyFactory factory =
        variant.startsWith("accp-accp-key")
            ? KeyFactory.getInstance("RSA", accp)
            : KeyFactory.getInstance("RSA"); // what KeyRing does
    key = factory.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    String token =
        Fixtures.minter(Fixtures.keyRing(null))
            .mint(Fixtures.ACCOUNT, Fixtures.SCOPED_GRANT)
            .value();
    signingInput = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
    if (variant.endsWith("-reused")) {
      reused = Signature.getInstance("SHA256withRSA", provider);
      reused.initSign(key);
    }
  }

  @Benchmark
  public byte[] sign() throws Exception {
    Signature signature = reused;
    if (signature == null) {
      signature =
          provider == null
              ? Signature.getInstance("SHA256withRSA")
              : Signature.getInstance("SHA256withRSA", provider);
      signature.initSign(key);
    }
    signature.update(signingInput);
    return signature.sign();
  }
}
