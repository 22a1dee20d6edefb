package io.idxauth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idxauth.core.KeyEncryptionKey.KeyUnsealException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** AES-256-GCM with the kid as associated data. */
class KeyEncryptionKeyTest {

  private static final byte[] PLAIN = "private key bytes".getBytes(StandardCharsets.UTF_8);

  /** 32 bytes whose standard base64 holds both '+' and '/'. */
  private static final byte[] RAW = rawWithPlusAndSlash();

  private static final String STANDARD = Base64.getEncoder().encodeToString(RAW);

  private final KeyEncryptionKey kek =
      KeyEncryptionKey.fromBase64(KeyEncryptionKey.generateBase64(new SecureRandom()));

  @Test
  void sealed_key_unseals_under_the_same_kid() throws Exception {
    byte[] sealed = kek.seal(PLAIN, "kid-1");

    assertThat(kek.unseal(sealed, "kid-1")).isEqualTo(PLAIN);
  }

  @Test
  void sealed_bytes_do_not_hold_the_plain_bytes() {
    byte[] sealed = kek.seal(PLAIN, "kid-1");

    assertThat(new String(sealed, StandardCharsets.ISO_8859_1))
        .doesNotContain(new String(PLAIN, StandardCharsets.ISO_8859_1));
  }

  @Test
  void sealing_twice_gives_different_bytes() {
    assertThat(kek.seal(PLAIN, "kid-1")).isNotEqualTo(kek.seal(PLAIN, "kid-1"));
  }

  @Test
  void sealed_key_does_not_unseal_under_another_kid() {
    byte[] sealed = kek.seal(PLAIN, "kid-1");

    assertThatThrownBy(() -> kek.unseal(sealed, "kid-2"))
        .isInstanceOf(KeyUnsealException.class)
        .hasMessageContaining("kid-2");
  }

  @Test
  void sealed_key_does_not_unseal_with_another_key_encryption_key() {
    byte[] sealed = kek.seal(PLAIN, "kid-1");
    KeyEncryptionKey other =
        KeyEncryptionKey.fromBase64(KeyEncryptionKey.generateBase64(new SecureRandom()));

    assertThatThrownBy(() -> other.unseal(sealed, "kid-1"))
        .isInstanceOf(KeyUnsealException.class)
        .hasMessageContaining("kid-1")
        .hasMessageContaining("key-encryption key");
  }

  @Test
  void tampered_sealed_key_does_not_unseal() {
    byte[] sealed = kek.seal(PLAIN, "kid-1");
    sealed[sealed.length / 2] ^= 1;

    assertThatThrownBy(() -> kek.unseal(sealed, "kid-1")).isInstanceOf(KeyUnsealException.class);
  }

  @Test
  void truncated_sealed_key_does_not_unseal() {
    byte[] sealed = kek.seal(PLAIN, "kid-1");

    assertThatThrownBy(() -> kek.unseal(Arrays.copyOf(sealed, 5), "kid-1"))
        .isInstanceOf(KeyUnsealException.class);
    assertThatThrownBy(() -> kek.unseal(Arrays.copyOf(sealed, sealed.length - 1), "kid-1"))
        .isInstanceOf(KeyUnsealException.class);
  }

  @Test
  void standard_base64_is_read() throws Exception {
    assertThat(STANDARD).contains("+").contains("/");

    assertThat(roundTripsWith(KeyEncryptionKey.fromBase64(STANDARD))).isTrue();
  }

  @Test
  void url_safe_and_unpadded_base64_and_surrounding_whitespace_read_the_same_key()
      throws Exception {
    KeyEncryptionKey standard = KeyEncryptionKey.fromBase64(STANDARD);
    byte[] sealed = standard.seal(PLAIN, "kid-1");

    String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(RAW);
    assertThat(KeyEncryptionKey.fromBase64(urlSafe).unseal(sealed, "kid-1")).isEqualTo(PLAIN);
    assertThat(KeyEncryptionKey.fromBase64("  " + STANDARD + "\n").unseal(sealed, "kid-1"))
        .isEqualTo(PLAIN);
  }

  @Test
  void generated_key_is_32_bytes_of_base64() {
    String generated = KeyEncryptionKey.generateBase64(new SecureRandom());

    assertThat(Base64.getDecoder().decode(generated)).hasSize(32);
  }

  @ParameterizedTest(name = "[{index}] {0} bytes")
  @ValueSource(ints = {0, 1, 16, 24, 31, 33, 64})
  void key_of_wrong_length_is_refused_with_its_length(int bytes) {
    String text = Base64.getEncoder().encodeToString(new byte[bytes]);

    assertThatThrownBy(() -> KeyEncryptionKey.fromBase64(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be 32 bytes")
        .hasMessageEndingWith("not " + bytes);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(strings = {"not base64!", "AAAA=AAA", "A"})
  void text_that_is_not_base64_is_refused_as_such(String text) {
    assertThatThrownBy(() -> KeyEncryptionKey.fromBase64(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the key-encryption key is not valid base64");
  }

  /**
   * A character outside the base64 alphabet inside an otherwise valid key must not be skipped: the
   * Javadoc promises base64 with only surrounding whitespace ignored.
   */
  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(strings = {"!", "*", "é", "%"})
  void key_with_a_character_outside_base64_inside_is_refused(String stray) {
    String text = STANDARD.substring(0, 20) + stray + STANDARD.substring(20);

    assertThatThrownBy(() -> KeyEncryptionKey.fromBase64(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid base64");
  }

  private static boolean roundTripsWith(KeyEncryptionKey key) throws KeyUnsealException {
    return Arrays.equals(key.unseal(key.seal(PLAIN, "k"), "k"), PLAIN);
  }

  private static byte[] rawWithPlusAndSlash() {
    byte[] raw = new byte[32];
    // 0xFB 0xEF 0xBE encodes as "++++"; 0xFF 0xFF 0xFF as "////".
    raw[0] = (byte) 0xFB;
    raw[1] = (byte) 0xEF;
    raw[2] = (byte) 0xBE;
    raw[3] = (byte) 0xFF;
    raw[4] = (byte) 0xFF;
    raw[5] = (byte) 0xFF;
    for (int i = 6; i < raw.length; i++) {
      raw[i] = (byte) (i * 37);
    }
    return raw;
  }
}
