package io.idxauth.server;

import static io.idxauth.server.TestService.CLIENT;
import static io.idxauth.server.TestService.SECRET;
import static io.idxauth.server.TestService.basic;
import static io.idxauth.server.TestService.form;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Never a secret or a whole token in a log line, even at DEBUG. */
class LogHygieneTest {

  @TempDir Path dir;

  @Test
  void logs_name_the_client_but_never_its_secret_or_token() throws Exception {
    Logger ours = (Logger) LoggerFactory.getLogger("io.idxauth");
    Level before = ours.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    ours.addAppender(captured);
    ours.setLevel(Level.DEBUG);
    try (TestService service = TestService.start(dir)) {
      String token = service.accessToken("pqd");
      service.postForm(
          form(
              "grant_type", "client_credentials",
              "client_id", CLIENT,
              "client_secret", "wrong-secret-to-hide"));
      service.postForm(
          form("grant_type", "client_credentials"),
          "Authorization",
          basic("nobody", "basic-secret-to-hide"));
      service.postForm(
          form(
              "grant_type", "client_credentials",
              "client_id", "evil\nFORGED client refused",
              "client_secret", "x"));
      service.postForm(
          form(
              "grant_type", "client_credentials",
              "client_id", "pasted-secret-in-the-id-field-abcdefgh",
              "client_secret", "x"));

      String logs =
          String.join(
              "\n",
              captured.list.stream()
                  .map(
                      e ->
                          e.getFormattedMessage()
                              + " "
                              + e.getMDCPropertyMap()
                              + " "
                              + e.getKeyValuePairs())
                  .toList());
      assertThat(logs)
          .contains("audit token.refused")
          .contains(CLIENT)
          .contains("audit token.issued")
          .contains("wrong_secret");
      String signature = token.substring(token.lastIndexOf('.') + 1);
      assertThat(logs)
          .doesNotContain(SECRET)
          .doesNotContain("wrong-secret-to-hide")
          .doesNotContain("basic-secret-to-hide")
          .doesNotContain(token)
          .doesNotContain(signature)
          .doesNotContain("FORGED")
          .doesNotContain("pasted-secret-in-the-id-field-abcdefgh")
          .contains("pasted-s...(38 chars)");
    } finally {
      ours.detachAppender(captured);
      ours.setLevel(before);
    }
  }
}
