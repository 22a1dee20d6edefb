package io.idxauth.server;

import io.idxauth.core.KeyEncryptionKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the operator's key-encryption key: in the environment, or in a file. */
final class KekSource {

  private KekSource() {}

  static KeyEncryptionKey load(ServerConfig config) {
    if (config.kek() != null) {
      return parse(config.kek(), ServerConfig.envName("kek"));
    }
    Path file = config.kekFile();
    if (file == null) {
      throw new IllegalArgumentException(
          "no key-encryption key: set "
              + ServerConfig.envName("kek")
              + " to 32 random bytes in base64, or point --kek-file (or "
              + ServerConfig.envName("kek-file")
              + ") at a file holding them; 'idx-auth demo' creates one for you");
    }
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the key-encryption key file " + file + ": " + e.getMessage());
    }
  }

  private static KeyEncryptionKey parse(String text, String where) {
    try {
      return KeyEncryptionKey.fromBase64(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
  }
}
