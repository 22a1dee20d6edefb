package io.idxauth.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The operator's key-encryption key: AES-256-GCM over the private parts of signing keys, with the
 * key id as associated data so a sealed key cannot be passed off under another id.
 */
public final class KeyEncryptionKey {

  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final SecureRandom random = new SecureRandom();

  private KeyEncryptionKey(byte[] raw) {
    this.key = new SecretKeySpec(raw, "AES");
  }

  /** Parses 32 bytes written as base64 (standard or url-safe); whitespace is ignored. */
  public static KeyEncryptionKey fromBase64(String text) {
    byte[] raw;
    try {
      String compact = text.replaceAll("\\s", "").replace('-', '+').replace('_', '/');
      raw = Base64.getDecoder().decode(compact);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the key-encryption key is not valid base64");
    }
    if (raw.length != 32) {
      throw new IllegalArgumentException(
          "the key-encryption key must be 32 bytes (256 bits) in base64, not " + raw.length);
    }
    return new KeyEncryptionKey(raw);
  }

  /** A new random key-encryption key, as base64. */
  public static String generateBase64(SecureRandom random) {
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    return Base64.getEncoder().encodeToString(raw);
  }

  public byte[] seal(byte[] plain, String kid) {
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain);
      byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
      System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * @throws KeyUnsealException when the data was not sealed under this key for this kid
   */
  public byte[] unseal(byte[] sealed, String kid) throws KeyUnsealException {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
      cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new KeyUnsealException(kid);
    }
  }

  /** A signing key that this key-encryption key cannot open. */
  public static final class KeyUnsealException extends Exception {
    public KeyUnsealException(String kid) {
      super(
          "signing key "
              + kid
              + " cannot be decrypted with this key-encryption key: is it the one the key was"
              + " created under?",
          null,
          false,
          false);
    }
  }
}
