package io.idxauth.cli;

import io.idxauth.store.StoreException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code idx-auth} command. */
@Command(
    name = "idx-auth",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "OAuth 2.0 client-credentials token service of the Industry Data Exchange.",
    subcommands = {
      ServeCommand.class,
      GatewayCommand.class,
      ImportCommand.class,
      ExportCommand.class,
      MigrateCommand.class,
      UnlockCommand.class,
      DemoCommand.class,
      AdminCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    // Chosen before the first logger exists: JSON lines unless the operator asks for text.
    String format = System.getenv("IDX_AUTH_LOG_FORMAT");
    boolean demo = args.length > 0 && args[0].equals("demo");
    if ("text".equalsIgnoreCase(format) || (format == null && demo)) {
      System.setProperty("logback.configurationFile", "logback-text.xml");
    }
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (0 done, 1 refused, 2 usage). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** As {@link #run(String...)}, writing to the given streams. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof IllegalArgumentException || e instanceof StoreException) {
            cmd.getErr().println("idx-auth: " + e.getMessage());
            return 1;
          }
          throw e;
        });
    return cli.execute(args);
  }

  /** Prints the version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"idx-auth " + (v == null ? "(development build)" : v)};
    }
  }
}
