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
    for (String tool :
        new String[] {"bash", "sh", "awk", "dirname", "readlink", "find", "touch", "mkdir"}) {
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

  /**
   * A project tree of its own for the launcher: its sources, a fake {@code mvn} that records that
   * it ran and produces the jar, and a fake JDK whose {@code java} says what it was asked to run.
   */
  private record FakeProject(Path root, Path mvnLog, Map<String, String> env) {}

  private FakeProject fakeProject() throws Exception {
    Path root = dir.resolve("project");
    Files.createDirectories(root.resolve("bin"));
    Files.copy(LAUNCHER, root.resolve("bin/idx-auth"));
    root.resolve("bin/idx-auth").toFile().setExecutable(true);
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    Files.createDirectories(root.resolve("core/src/main/java"));
    Files.writeString(root.resolve("core/src/main/java/A.java"), "class A {}");
    Path tools = Files.createDirectories(dir.resolve("tools"));
    Path mvnLog = dir.resolve("mvn.log");
    Path mvn = tools.resolve("mvn");
    Files.writeString(
        mvn,
        "#!/bin/sh\necho \"$*\" >> "
            + mvnLog
            + "\nmkdir -p cli/target && touch cli/target/idx-auth.jar\n");
    mvn.toFile().setExecutable(true);
    Path jdk = fakeJdk("jdk-25", "25.0.3");
    Files.writeString(jdk.resolve("bin/java"), "#!/bin/sh\necho \"java-ran $*\"\n");
    Map<String, String> env =
        Map.of(
            "JAVA_HOME", jdk.toString(),
            "IDX_AUTH_JDK_DIRS", dir.resolve("jvm").toString(),
            "PATH", tools + ":" + pathWithoutJava());
    return new FakeProject(root, mvnLog, env);
  }

  private static Result launchIn(FakeProject project, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = project.root().resolve("bin/idx-auth").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("JAVA_HOME");
    builder.environment().putAll(project.env());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.waitFor(), output);
  }

  private static long builds(FakeProject project) throws Exception {
    return Files.exists(project.mvnLog()) ? Files.readAllLines(project.mvnLog()).size() : 0;
  }

  @Test
  void builds_on_first_use_then_runs_the_cli() throws Exception {
    FakeProject project = fakeProject();

    Result result = launchIn(project, "serve", "--port", "1");

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(builds(project)).isEqualTo(1);
    assertThat(Files.readString(project.mvnLog())).contains("install").contains("-DskipTests");
    assertThat(result.output())
        .contains("java-ran")
        .contains("--enable-native-access=ALL-UNNAMED")
        .contains("idx-auth.jar serve --port 1");
  }

  @Test
  void does_not_rebuild_when_nothing_changed() throws Exception {
    FakeProject project = fakeProject();
    launchIn(project, "--version");

    Result again = launchIn(project, "--version");

    assertThat(again.output()).contains("java-ran");
    assertThat(builds(project)).isEqualTo(1);
  }

  @Test
  void rebuilds_when_a_source_changed() throws Exception {
    FakeProject project = fakeProject();
    launchIn(project, "--version");
    Path source = project.root().resolve("core/src/main/java/A.java");
    Files.setLastModifiedTime(
        source, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));

    launchIn(project, "--version");

    assertThat(builds(project)).isEqualTo(2);
  }
}
