package io.idxauth.core;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys in use: the one that signs now and the public keys published in the JWKS. Keys
 * are created on first use, kept sealed in the store, and opened with the key-encryption key.
 */
public final class KeyRing {

  private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
  private static final int RSA_BITS = 2048;

  /** The key that signs, with its signer and the JWS header every token carries. */
  public record ActiveKey(String kid, JWSSigner signer, JWSHeader header) {}

  private record Snapshot(ActiveKey active, String jwksJson) {}

  private final SigningKeyRepository repository;
  private final KeyEncryptionKey kek;
  private final Provider provider;
  private final JOSEObjectType tokenType;
  private final Clock clock;
  private volatile Snapshot snapshot;

  private KeyRing(
      SigningKeyRepository repository,
      KeyEncryptionKey kek,
      Provider provider,
      JOSEObjectType tokenType,
      Clock clock) {
    this.repository = repository;
    this.kek = kek;
    this.provider = provider;
    this.tokenType = tokenType;
    this.clock = clock;
  }

  /**
   * Opens the keys in the store, creating the first one when there is none that can sign now.
   *
   * @throws KeyEncryptionKey.KeyUnsealException when a stored key does not open with {@code kek}
   */
  public static KeyRing open(
      SigningKeyRepository repository,
      KeyEncryptionKey kek,
      Provider provider,
      JOSEObjectType tokenType,
      Clock clock)
      throws KeyEncryptionKey.KeyUnsealException {
    KeyRing ring = new KeyRing(repository, kek, provider, tokenType, clock);
    ring.reload();
    return ring;
  }

  public ActiveKey active() {
    return snapshot.active();
  }

  /** The RFC 7517 JWK Set of every published key, as JSON. */
  public String jwksJson() {
    return snapshot.jwksJson();
  }

  /** Re-reads the store, creating a key first if none can sign now. */
  public void reload() throws KeyEncryptionKey.KeyUnsealException {
    List<SealedSigningKey> stored = repository.signingKeys();
    Instant now = clock.instant();
    if (signingCandidate(stored, now).isEmpty()) {
      SealedSigningKey created = generate(now);
      if (repository.addSigningKey(created, stored.size())) {
        LOG.info("created signing key {}", created.kid());
      }
      stored = repository.signingKeys();
    }
    SealedSigningKey current =
        signingCandidate(stored, now)
            .orElseThrow(() -> new IllegalStateException("no signing key can sign now"));
    List<RSAKey> published = new ArrayList<>();
    for (SealedSigningKey key : stored) {
      published.add(publicJwk(key));
    }
    snapshot = new Snapshot(open(current), new JWKSet(List.copyOf(published)).toString());
  }

  private static Optional<SealedSigningKey> signingCandidate(
      List<SealedSigningKey> keys, Instant now) {
    return keys.stream()
        .filter(k -> !k.activates().isAfter(now))
        .filter(k -> k.retires() == null || k.retires().isAfter(now))
        .max(Comparator.comparing(SealedSigningKey::activates));
  }

  private ActiveKey open(SealedSigningKey key) throws KeyEncryptionKey.KeyUnsealException {
    byte[] pkcs8 = kek.unseal(key.sealedPrivateKey(), key.kid());
    try {
      // A key made by the signing provider's own factory is native to it, so signing does not
      // translate the key again on every token.
      KeyFactory factory =
          provider == null
              ? KeyFactory.getInstance("RSA")
              : KeyFactory.getInstance("RSA", provider);
      PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      RSASSASigner signer = new RSASSASigner(privateKey);
      if (provider != null) {
        signer.getJCAContext().setProvider(provider);
      }
      JWSHeader header =
          new JWSHeader.Builder(JWSAlgorithm.RS256).type(tokenType).keyID(key.kid()).build();
      return new ActiveKey(key.kid(), signer, header);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored signing key " + key.kid() + " is not RSA", e);
    }
  }

  private static RSAKey publicJwk(SealedSigningKey key) {
    try {
      return RSAKey.parse(key.publicJwk());
    } catch (ParseException e) {
      throw new IllegalStateException("stored public key " + key.kid() + " is not a JWK", e);
    }
  }

  private SealedSigningKey generate(Instant now) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(RSA_BITS);
      KeyPair pair = generator.generateKeyPair();
      RSAKey thumbprinted = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).build();
      // RFC 7638 thumbprint as the kid: stable, unique, and says nothing about the key's owner.
      String kid = thumbprinted.computeThumbprint().toString();
      RSAKey jwk =
          new RSAKey.Builder((RSAPublicKey) pair.getPublic())
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .keyID(kid)
              .build();
      byte[] sealed = kek.seal(pair.getPrivate().getEncoded(), kid);
      return new SealedSigningKey(kid, jwk.toJSONString(), sealed, now, now, null);
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
  }
}
