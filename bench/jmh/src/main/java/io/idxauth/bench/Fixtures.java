package io.idxauth.bench;

import com.nimbusds.jose.JOSEObjectType;
import io.idxauth.core.Entitlement;
import io.idxauth.core.Grant;
import io.idxauth.core.KeyEncryptionKey;
import io.idxauth.core.KeyRing;
import io.idxauth.core.Operation;
import io.idxauth.core.ServiceAccount;
import io.idxauth.core.SigningProvider;
import io.idxauth.core.TokenMinter;
import io.idxauth.core.TokenPolicy;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** What the benchmarks mint: the demo's retailer01-app asking for {@code scope=pqd mtrd}. */
final class Fixtures {

  private Fixtures() {}

  static final ServiceAccount ACCOUNT = new ServiceAccount("retailer01-app", "RETAILER01", true);

  /** The grant of the demo dataset for {@code scope=pqd mtrd}: two entities. */
  static final Grant SCOPED_GRANT =
      new Grant(
          List.of(
              new Entitlement(
                  "pqd",
                  Set.of("RETAILER01", "RETAILER02"),
                  EnumSet.of(Operation.CREATE, Operation.READ)),
              new Entitlement("mtrd", Set.of("RETAILER01"), EnumSet.of(Operation.READ))),
          List.of());

  /** What the service uses by default: issuer for port 8080, audience idx-api, one hour. */
  static final TokenPolicy POLICY =
      new TokenPolicy("http://localhost:8080", "idx-api", Duration.ofSeconds(3600), false);

  /**
   * The signing provider by name: {@code jdk} (null, the JDK's default) or {@code accp} (what the
   * service picks where Amazon Corretto Crypto Provider loads). Fails rather than silently
   * measuring the JDK when ACCP is asked for and does not load.
   */
  static Provider provider(String name) {
    return switch (name) {
      case "jdk" -> null;
      case "accp" -> {
        Provider p = SigningProvider.select(true);
        if (p == null) {
          throw new IllegalStateException("Amazon Corretto Crypto Provider did not load");
        }
        yield p;
      }
      default -> throw new IllegalArgumentException("provider is jdk or accp, not " + name);
    };
  }

  /** A key ring on a fresh in-memory store: creates one RSA-2048 key, as the service does. */
  static KeyRing keyRing(Provider provider) throws KeyEncryptionKey.KeyUnsealException {
    KeyEncryptionKey kek =
        KeyEncryptionKey.fromBase64(KeyEncryptionKey.generateBase64(new SecureRandom()));
    return KeyRing.open(
        new InMemorySigningKeys(), kek, provider, JOSEObjectType.JWT, Clock.systemUTC());
  }

  static TokenMinter minter(KeyRing ring) {
    return new TokenMinter(ring, POLICY, Clock.systemUTC());
  }
}
