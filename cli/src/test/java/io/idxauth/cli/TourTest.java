package io.idxauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.idxauth.server.TestService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tour "administration from the command line", run as written: the shell block between
 * {@code <!-- tour:start -->} and {@code <!-- tour:end -->}, with {@code bin/idx-auth} standing for
 * this build's CLI, against a fresh service. If the tour breaks, this fails.
 */
class TourTest {

  private static final String START = "<!-- tour:start -->";
  private static final String END = "<!-- tour:end -->";

  @TempDir Path dir;

  @Test
  void readme_admin_tour_runs_as_written() throws Exception {
    String tour = tourBlock(readme());
    Path cli = wrapper(dir.resolve("bin"));
    Path script = dir.resolve("tour.sh");
    Files.writeString(script, tour.replace("bin/idx-auth", cli.toString()));
    Path output = dir.resolve("tour.out");

    try (TestService service = TestService.start(dir.resolve("data"))) {
      ProcessBuilder bash =
          new ProcessBuilder("bash", script.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      Map<String, String> env = bash.environment();
      env.keySet().removeIf(name -> name.startsWith("IDX_AUTH_"));
      env.put("IDX_AUTH_URL", service.base());
      // The fixture's operator admin; the README's setup lines name the demo's (idx-operator).
      env.put("IDX_AUTH_ADMIN_CLIENT_ID", TestService.OPERATOR);
      env.put("IDX_AUTH_ADMIN_CLIENT_SECRET", TestService.OPERATOR_SECRET);
      Process process = bash.start();
      boolean finished = process.waitFor(120, TimeUnit.SECONDS);
      if (!finished) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
      }
      String out = Files.readString(output);
      assertThat(finished).as("the tour did not end within 120 s:\n" + out).isTrue();
      assertThat(process.exitValue()).as("the tour failed:\n" + out).isZero();

      assertThat(out)
          .as(out)
          // A token was issued, scoped to the entity granted.
          .contains("\"access_token\":\"ey")
          .contains("\"scope\":\"pqd\"")
          // Both secrets worked after the rotation, and the secret values never were printed.
          .contains("old secret: HTTP 200")
          .contains("new secret: HTTP 200")
          .doesNotContain("shown only now")
          // The disabled account was refused.
          .contains("disabled account: HTTP 401")
          .containsPattern("(?m)^\\S+ +\\S+ +account\\.updated +ops-admin +tour-app +RETAILER01 ")
          // A signing key was rotated and is listed as pending beside the active one.
          .containsPattern("(?m)^rotated: new key \\S+ is published now")
          .containsPattern("(?m)^KID +STATE +ACTIVATES +RETIRES +PUBLISHED UNTIL$")
          .containsPattern("(?m)^\\S+ +pending ")
          .containsPattern("(?m)^\\S+ +active ");
    }
  }

  /** The one {@code ```sh} block between the tour's markers. */
  static String tourBlock(String readme) {
    int start = readme.indexOf(START);
    int end = readme.indexOf(END);
    assertThat(start).as("README has " + START).isNotNegative();
    assertThat(end).as("README has " + END + " after " + START).isGreaterThan(start);
    String between = readme.substring(start + START.length(), end).strip();
    assertThat(between).as("the tour is one ```sh block").startsWith("```sh\n").endsWith("\n```");
    String block = between.substring("```sh\n".length(), between.length() - "```".length());
    assertThat(block).as("the tour is one ```sh block").doesNotContain("```");
    return block;
  }

  /** README.md of the project: the first one found walking up that holds the tour. */
  private static String readme() throws IOException {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path readme = d.resolve("README.md");
      if (Files.isRegularFile(readme)) {
        String text = Files.readString(readme);
        if (text.contains(START) && text.contains(END)) {
          return text;
        }
      }
    }
    throw new AssertionError(
        "no README.md with " + START + " above " + Path.of("").toAbsolutePath());
  }

  /** An {@code idx-auth} script that runs this build's CLI with the test's JDK and classpath. */
  static Path wrapper(Path bin) throws IOException {
    Files.createDirectories(bin);
    Path script = bin.resolve("idx-auth");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(
        script,
        "#!/usr/bin/env bash\nexec "
            + quote(java)
            + " -XX:TieredStopAtLevel=1 -cp "
            + quote(System.getProperty("java.class.path"))
            + " io.idxauth.cli.Main \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  /** A single-quoted shell word. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
