package io.idxauth.cli;

import io.idxauth.store.Database;
import io.idxauth.store.Exporter;
import io.idxauth.store.JdbcStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code idx-auth export}: writes the whole store as a provisioning file. */
@Command(
    name = "export",
    description =
        "Write the whole store as a provisioning file (YAML) that `import` takes back. It holds"
            + " every account's secret hashes.")
final class ExportCommand implements Callable<Integer> {

  @Mixin StoreOptions store;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write to FILE, readable by its owner only (default: standard output).")
  Path output;

  @Option(names = "--force", description = "Overwrite FILE if it exists.")
  boolean force;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> env = System.getenv();
    if (!store.exists(env)) {
      err.println("idx-auth: there is no store in " + store.describe(env) + "; nothing exported");
      return 1;
    }
    if (output != null && Files.exists(output) && !force) {
      return refuseToOverwrite(err);
    }
    String yaml;
    try (Database database = store.open(env)) {
      yaml = new Exporter(new JdbcStore(database)).export();
    }
    if (output == null) {
      out.print(yaml);
      out.flush();
      return 0;
    }
    try {
      writeOwnerOnly(output, yaml, force);
    } catch (FileAlreadyExistsException e) {
      return refuseToOverwrite(err);
    } catch (IOException e) {
      String reason =
          switch (e) {
            case NoSuchFileException missing -> "its directory does not exist";
            case AccessDeniedException denied -> "permission denied";
            default -> e.getMessage();
          };
      err.println("idx-auth: cannot write " + output + ": " + reason + "; nothing exported");
      return 1;
    }
    out.println(
        "exported "
            + store.describe(env)
            + " to "
            + output
            + " (owner-only: it holds secret hashes)");
    out.flush();
    return 0;
  }

  private int refuseToOverwrite(PrintWriter err) {
    err.println("idx-auth: " + output + " exists; nothing exported (--force overwrites it)");
    return 1;
  }

  /**
   * Writes a new file, created readable by its owner only so that it never is by anyone else, even
   * for a moment; with {@code force}, a file that exists is deleted first.
   */
  private static void writeOwnerOnly(Path file, String text, boolean force) throws IOException {
    if (force) {
      Files.deleteIfExists(file);
    }
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text);
  }
}
