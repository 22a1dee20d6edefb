package io.idxauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/idx-auth} finds a JDK 21+ by itself, or says clearly that there is none. */
class LauncherTest {

  private static final Path LAUNCHER =
      Path.of("..", "bin", "idx-auth").toAbsolutePath().normalize();

  @TempDir Path dir;

  private record Result(int exit, String output) {}

  private static Result launch(Map<String, String> env, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = LAUNCHER.toString();
    System.arraycopy(args, 0, command, 1, args.length);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("JAVA_HOME");
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.waitFor(), output);
  }

  /** A fake JDK: a release file and java/javac that are never run. */
  private Path fakeJdk(String name, String version) throws Exception {
    Path home = dir.resolve("jvm").resolve(name);
    Files.createDirectories(home.resolve("bin"));
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    for (String tool : new String[] {"java", "javac"}) {
      Path file = home.resolve("bin").resolve(tool);
      Files.writeString(file, "#!/bin/sh\nexit 1\n");
      file.toFile().setExecutable(true);
    }
    return home;
  }

  private String pathWithoutJava() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String tool : new String[] {"bash", "awk", "dirname", "readlink", "find", "touch"}) {
      for (String d : new String[] {"/usr/bin", "/bin"}) {
        if (new File(d, tool).exists() && !Files.exists(bin.resolve(tool))) {
          Files.createSymbolicLink(bin.resolve(tool), Path.of(d, tool));
        }
      }
    }
    return bin.toString();
  }

  @Test
  void prefers_a_jdk_21_plus_over_an_older_java_home() throws Exception {
    Path old = fakeJdk("jdk-17", "17.0.15");
    Path recent = fakeJdk("jdk-25", "25.0.3");

    Result result =
        launch(
            Map.of(
                "JAVA_HOME", old.toString(),
                "IDX_AUTH_JDK_DIRS", dir.resolve("jvm").toString(),
                "PATH", pathWithoutJava()),
            "jdk");

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output().trim()).isEqualTo(recent.toString());
  }

  @Test
  void java_home_wins_when_it_is_recent_enough() throws Exception {
    Path chosen = fakeJdk("jdk-21", "21.0.5");
    fakeJdk("jdk-25", "25.0.3");

    Result result =
        launch(
            Map.of(
                "JAVA_HOME", chosen.toString(),
                "IDX_AUTH_JDK_DIRS", dir.resolve("jvm").toString(),
                "PATH", pathWithoutJava()),
            "jdk");

    assertThat(result.output().trim()).isEqualTo(chosen.toString());
  }

  @Test
  void no_suitable_jdk_is_a_clear_error() throws Exception {
    Path old = fakeJdk("jdk-17", "17.0.15");

    Result result =
        launch(
            Map.of(
                "JAVA_HOME", old.toString(),
                "IDX_AUTH_JDK_DIRS", dir.resolve("jvm").toString(),
                "PATH", pathWithoutJava()),
            "jdk");

    assertThat(result.exit()).isEqualTo(3);
    assertThat(result.output()).contains("no JDK 21 or newer found").contains("JAVA_HOME");
  }
}
