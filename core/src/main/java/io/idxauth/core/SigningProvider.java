package io.idxauth.core;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the JCA provider that signs tokens: Amazon Corretto Crypto Provider (OpenSSL-speed RSA)
 * where its native library loads and passes its self-tests, otherwise the JDK's own.
 */
public final class SigningProvider {

  private static final Logger LOG = LoggerFactory.getLogger(SigningProvider.class);

  private SigningProvider() {}

  /** The provider to sign with, or {@code null} for the JDK default. Logs which one it is. */
  public static Provider select(boolean allowNative) {
    if (!allowNative) {
      LOG.info("tokens are signed by the JDK's RSA (native provider disabled by configuration)");
      return null;
    }
    try {
      AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
      if (accp.getLoadingError() != null) {
        LOG.warn(
            "Amazon Corretto Crypto Provider did not load ({}); tokens are signed by the JDK's RSA",
            accp.getLoadingError().toString());
        return null;
      }
      accp.assertHealthy();
      LOG.info("tokens are signed by Amazon Corretto Crypto Provider {}", accp.getVersionStr());
      return accp;
    } catch (RuntimeException | LinkageError e) {
      LOG.warn(
          "Amazon Corretto Crypto Provider is unusable ({}); tokens are signed by the JDK's RSA",
          e.toString());
      return null;
    }
  }
}
