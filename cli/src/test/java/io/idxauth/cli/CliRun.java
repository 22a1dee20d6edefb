package io.idxauth.cli;

import io.idxauth.store.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the {@code idx-auth} command in-process: its exit code and what it printed. */
record CliRun(int exit, String out, String err) {

  /** Runs {@code args}, on the store of this test run ({@code --db} added on PostgreSQL). */
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            TestDatabases.withStoreOptions(args));
    return new CliRun(exit, out.toString(), err.toString());
  }
}
