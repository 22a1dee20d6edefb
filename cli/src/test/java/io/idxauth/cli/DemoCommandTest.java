package io.idxauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.server.TestService;
import io.idxauth.store.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code idx-auth demo} prints a curl line that, run as printed, returns a scoped token, and admin
 * lines that, run as printed, list the accounts.
 */
class DemoCommandTest {

  @TempDir Path dir;

  @Test
  void printed_curl_line_returns_a_scoped_token() throws Exception {
    Path data = dir.resolve("data");
    int port = TestService.freePort();
    StringWriter out = new StringWriter();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread demo =
        new Thread(
            () ->
                exit.set(
                    Main.run(
                        new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true),
                        TestDatabases.withStoreOptions(
                            "demo", "--data", data.toString(), "--port", Integer.toString(port)))));
    demo.start();
    try {
      String curl = awaitCurlLine(out);

      Process process = new ProcessBuilder("bash", "-c", curl).redirectErrorStream(true).start();
      String response = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor()).isZero();

      assertThat(response)
          .contains("\"token_type\":\"Bearer\"")
          .contains("\"scope\":\"pqd mtrd\"")
          .contains("\"access_token\":\"ey");
      assertThat(out.toString()).contains("self-check: ok");

      // The printed admin lines, run as printed, reach the admin API as the operator admin.
      Path cli = TourTest.wrapper(dir.resolve("bin"));
      StringBuilder admin = new StringBuilder("set -euo pipefail\n");
      for (String line : out.toString().split("\n")) {
        String trimmed = line.trim();
        if (trimmed.startsWith("export IDX_AUTH_") || trimmed.startsWith("bin/idx-auth admin")) {
          admin
              .append(trimmed.replace("bin/idx-auth", TourTest.quote(cli.toString())))
              .append('\n');
        }
      }
      Process listing =
          new ProcessBuilder("bash", "-c", admin.toString()).redirectErrorStream(true).start();
      String accounts = new String(listing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(listing.waitFor()).as(admin + accounts).isZero();
      assertThat(accounts).contains("idx-operator").contains("retailer01-app");

      // The printed BFI line, run as printed, goes through the demo's gateway.
      String bfi = null;
      for (String line : out.toString().split("\n")) {
        if (line.trim().startsWith("curl ") && line.contains("/bfi/v1/business-functions")) {
          bfi = line.trim();
        }
      }
      assertThat(bfi).as(out.toString()).isNotNull();
      Process catalogue = new ProcessBuilder("bash", "-c", bfi).redirectErrorStream(true).start();
      String functions =
          new String(catalogue.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(catalogue.waitFor()).isZero();
      assertThat(functions).contains("\"businessFunctions\"").contains("\"pqd\"");
    } finally {
      demo.interrupt();
      demo.join(10_000);
    }
    assertThat(Files.getPosixFilePermissions(data.resolve("kek")))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    assertThat(out.toString()).contains("created the key-encryption key");
    assertThat(Files.getPosixFilePermissions(data))
        .isEqualTo(
            Set.of(
                PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
  }

  @Test
  void second_demo_on_the_same_data_reuses_key_and_secrets() {
    Path data = dir.resolve("data");
    String[] args = {
      "demo",
      "--data",
      data.toString(),
      "--port",
      Integer.toString(TestService.freePort()),
      "--check-only"
    };
    StringWriter first = new StringWriter();
    StringWriter second = new StringWriter();

    int firstExit =
        Main.run(
            new PrintWriter(first, true),
            new PrintWriter(first, true),
            TestDatabases.withStoreOptions(args));
    args[4] = Integer.toString(TestService.freePort());
    int secondExit =
        Main.run(
            new PrintWriter(second, true),
            new PrintWriter(second, true),
            TestDatabases.withStoreOptions(args));

    assertThat(firstExit).as(first.toString()).isZero();
    assertThat(secondExit).as(second.toString()).isZero();
    assertThat(second.toString()).contains("nothing changed").doesNotContain("created the key");
    assertThat(secret(second.toString())).isEqualTo(secret(first.toString()));
  }

  private static String secret(String output) {
    Matcher m = Pattern.compile("client_secret=(\\S+)").matcher(output);
    assertThat(m.find()).as(output).isTrue();
    return m.group(1);
  }

  private static String awaitCurlLine(StringWriter out) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      for (String line : out.toString().split("\n")) {
        if (line.trim().startsWith("curl ")) {
          return line.trim();
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("demo printed no curl line:\n" + out);
  }
}
