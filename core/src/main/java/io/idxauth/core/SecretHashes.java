package io.idxauth.core;

import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.types.Argon2;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Slow hashes of client secrets. New secrets are hashed with Argon2id (OWASP's minimum: 19 MiB, 2
 * passes); imported bcrypt strings and PHC strings of Argon2id and PBKDF2 verify.
 */
public final class SecretHashes {

  /** OWASP Password Storage Cheat Sheet minimum for Argon2id. */
  public static final SecretHashes DEFAULT = new SecretHashes(19 * 1024, 2);

  static final int MAX_BCRYPT_COST = 16;
  static final int MAX_PBKDF2_ITERATIONS = 10_000_000;
  static final int MAX_ARGON2_MEMORY_KIB = 256 * 1024;
  static final int MAX_ARGON2_ITERATIONS = 10;
  static final int MAX_ARGON2_PARALLELISM = 16;

  private static final int HASH_BYTES = 32;

  private final Argon2Function argon2;

  public SecretHashes(int memoryKib, int iterations) {
    this.argon2 = Argon2Function.getInstance(memoryKib, iterations, 1, HASH_BYTES, Argon2.ID);
  }

  /** Hashes a new secret as an Argon2id PHC string. */
  public String hash(String secret) {
    return argon2.hash(secret).getResult();
  }

  /** {@code null} when the hash is usable, otherwise why not. */
  public static String describe(String hash) {
    if (hash == null || hash.isEmpty()) {
      return "empty hash";
    }
    try {
      if (hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$")) {
        int cost = BcryptFunction.getInstanceFromHash(hash).getLogarithmicRounds();
        if (cost < 4 || cost > MAX_BCRYPT_COST) {
          return "bcrypt cost must be 4.." + MAX_BCRYPT_COST + ", not " + cost;
        }
        return hash.length() == 60 ? null : "a bcrypt hash is 60 characters";
      }
      if (hash.startsWith("$argon2id$")) {
        Argon2Function argon2 = Argon2Function.getInstanceFromHash(hash);
        // Bounds keep one imported hash from holding the slow lane for minutes or the heap.
        if (argon2.getMemory() > MAX_ARGON2_MEMORY_KIB
            || argon2.getIterations() > MAX_ARGON2_ITERATIONS
            || argon2.getParallelism() > MAX_ARGON2_PARALLELISM) {
          return "Argon2id cost too high (at most m="
              + MAX_ARGON2_MEMORY_KIB
              + ", t="
              + MAX_ARGON2_ITERATIONS
              + ", p="
              + MAX_ARGON2_PARALLELISM
              + ")";
        }
        return null;
      }
      if (hash.startsWith("$pbkdf2-")) {
        Pbkdf2 pbkdf2 = Pbkdf2.parse(hash);
        if (pbkdf2.expected().length < 16 || pbkdf2.expected().length > 64) {
          return "PBKDF2 hash must be 16 to 64 bytes, not " + pbkdf2.expected().length;
        }
        return pbkdf2.iterations() > MAX_PBKDF2_ITERATIONS
            ? "PBKDF2 iterations too high (at most " + MAX_PBKDF2_ITERATIONS + ")"
            : null;
      }
    } catch (RuntimeException e) {
      return "malformed hash: " + e.getMessage();
    }
    return "unsupported hash format (expected bcrypt $2b$, or a PHC string $argon2id$ or $pbkdf2-sha256$)";
  }

  /** Checks a secret against a stored hash, paying its full cost. Never throws on a bad hash. */
  public boolean verify(String secret, String hash) {
    if (describe(hash) != null) {
      return false;
    }
    try {
      if (hash.startsWith("$argon2id$")) {
        return Argon2Function.getInstanceFromHash(hash).check(secret, hash);
      }
      if (hash.startsWith("$2")) {
        return BcryptFunction.getInstanceFromHash(hash).check(secret, hash);
      }
      if (hash.startsWith("$pbkdf2-")) {
        return Pbkdf2.parse(hash).matches(secret);
      }
    } catch (RuntimeException e) {
      return false;
    }
    return false;
  }

  /** Generates a new secret of 256 random bits, base64url without padding. */
  public static String generateSecret(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * A PBKDF2 PHC string, {@code $pbkdf2-sha256$i=600000$salt$hash} (also passlib's {@code
   * $pbkdf2-sha256$600000$salt$hash} with its adapted base64).
   */
  record Pbkdf2(String algorithm, int iterations, byte[] salt, byte[] expected) {

    static Pbkdf2 parse(String phc) {
      String[] parts = phc.split("\\$");
      if (parts.length != 5 || !parts[0].isEmpty()) {
        throw new IllegalArgumentException("expected $pbkdf2-<digest>$i=<n>$<salt>$<hash>");
      }
      String algorithm =
          switch (parts[1]) {
            case "pbkdf2-sha256" -> "PBKDF2WithHmacSHA256";
            case "pbkdf2-sha512" -> "PBKDF2WithHmacSHA512";
            case "pbkdf2-sha1", "pbkdf2" -> "PBKDF2WithHmacSHA1";
            default -> throw new IllegalArgumentException("unknown digest " + parts[1]);
          };
      String rounds = parts[2].startsWith("i=") ? parts[2].substring(2) : parts[2];
      int iterations = Integer.parseInt(rounds.split(",")[0]);
      if (iterations < 1) {
        throw new IllegalArgumentException("iterations must be positive");
      }
      byte[] salt = b64(parts[3]);
      byte[] expected = b64(parts[4]);
      if (salt.length == 0 || expected.length == 0) {
        throw new IllegalArgumentException("salt and hash must not be empty");
      }
      return new Pbkdf2(algorithm, iterations, salt, expected);
    }

    private static byte[] b64(String s) {
      String std = s.replace('.', '+').replace('-', '+').replace('_', '/');
      return Base64.getDecoder().decode(std.replace("=", ""));
    }

    boolean matches(String secret) {
      try {
        PBEKeySpec spec =
            new PBEKeySpec(secret.toCharArray(), salt, iterations, expected.length * 8);
        byte[] actual = SecretKeyFactory.getInstance(algorithm).generateSecret(spec).getEncoded();
        return MessageDigest.isEqual(actual, expected);
      } catch (GeneralSecurityException e) {
        return false;
      }
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
