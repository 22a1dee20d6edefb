package io.idxauth.cli;

import io.idxauth.store.Database;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code idx-auth migrate}: brings the store's schema to this version's, and says what it did. A
 * service migrates at start too; this is for an operator who upgrades the schema as its own step,
 * before rolling the new version out instance by instance.
 */
@Command(
    name = "migrate",
    description =
        "Upgrade the store's schema to this version (instances also do it when they start).")
final class MigrateCommand implements Callable<Integer> {

  @Mixin StoreOptions store;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, String> env = System.getenv();
    try (Database database = store.open(env)) {
      Database.Migration m = database.migration();
      if (m.applied() == 0) {
        out.println(
            "schema of " + store.describe(env) + " is up to date at version " + m.toVersion());
      } else {
        out.println(
            "migrated "
                + store.describe(env)
                + " from version "
                + (m.fromVersion() == null ? "(empty)" : m.fromVersion())
                + " to "
                + m.toVersion()
                + " ("
                + m.applied()
                + " migrations)");
      }
      return 0;
    }
  }
}
