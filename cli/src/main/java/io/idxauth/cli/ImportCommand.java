package io.idxauth.cli;

import io.idxauth.core.SecretHashes;
import io.idxauth.store.Database;
import io.idxauth.store.Importer;
import io.idxauth.store.InvalidProvisioningException;
import io.idxauth.store.JdbcStore;
import io.idxauth.store.Provisioning;
import io.idxauth.store.ProvisioningFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code idx-auth import}: loads a provisioning file, all of it or nothing. */
@Command(
    name = "import",
    description =
        "Load a declarative provisioning file (YAML). Importing it again changes nothing.")
final class ImportCommand implements Callable<Integer> {

  @Mixin StoreOptions store;

  @Parameters(paramLabel = "FILE", description = "The provisioning file.")
  Path file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Database database = store.open(System.getenv())) {
      Importer importer =
          new Importer(new JdbcStore(database), SecretHashes.DEFAULT, Clock.systemUTC());
      Provisioning provisioning;
      try {
        provisioning = ProvisioningFile.read(file, importer.existing());
      } catch (InvalidProvisioningException e) {
        err.println("idx-auth: " + file + " was not imported; nothing changed:");
        e.problems().forEach(p -> err.println("  " + p));
        return 1;
      }
      print(out, file, importer.apply(provisioning));
      return 0;
    }
  }

  static void print(PrintWriter out, Path file, Importer.Report report) {
    out.println("imported " + file + (report.changedAnything() ? "" : " (nothing changed)"));
    report
        .counts()
        .forEach(
            (kind, c) ->
                out.printf(
                    "  %-13s %d created, %d updated, %d unchanged%n",
                    kind + ":", c.created(), c.updated(), c.unchanged()));
    out.flush();
  }
}
