package io.idxauth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code idx-auth admin}: the admin API of a running service from the command line. The admin
 * account's credentials come from the environment or a file, never from an argument (arguments are
 * visible to every user of the machine and kept in shell histories).
 */
@Command(
    name = "admin",
    description = {
      "Administer a running idx-auth service through its admin API (/admin/v1).",
      "Credentials: IDX_AUTH_ADMIN_CLIENT_ID and IDX_AUTH_ADMIN_CLIENT_SECRET, or --credentials-file;"
          + " the account needs the role operator-admin or participant-admin.",
      "Exit status: 0 done, 1 refused or failed (said on standard error), 2 usage."
    },
    subcommands = {
      AdminParticipantsCommand.class,
      AdminEntitiesCommand.class,
      AdminAccountsCommand.class,
      AdminSecretsCommand.class,
      AdminEntitlementsCommand.class,
      AdminKeysCommand.class,
      AdminAuditCommand.class
    })
final class AdminCommand implements Callable<Integer> {

  static final String URL_ENV = "IDX_AUTH_URL";
  static final String CLIENT_ID_ENV = "IDX_AUTH_ADMIN_CLIENT_ID";
  static final String CLIENT_SECRET_ENV = "IDX_AUTH_ADMIN_CLIENT_SECRET";
  static final String DEFAULT_URL = "http://localhost:8080";

  @Option(
      names = "--url",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description = "Service URL; default $" + URL_ENV + " or " + DEFAULT_URL + ".")
  String url;

  @Option(
      names = "--credentials-file",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description =
          "Java properties file with client_id=… and client_secret=… (readable by you only);"
              + " instead of $"
              + CLIENT_ID_ENV
              + " and $"
              + CLIENT_SECRET_ENV
              + ".")
  Path credentialsFile;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "Print the API's JSON instead of tables.")
  boolean json;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = ScopeType.INHERIT,
      description = "Show this help message and exit.")
  boolean help;

  @Spec CommandSpec spec;

  /** The environment: the process's, or a test's. */
  final Map<String, String> env;

  final ObjectMapper mapper = new ObjectMapper();

  AdminCommand() {
    this(System.getenv());
  }

  AdminCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    throw missingAction(spec);
  }

  /** What one admin command does with the API and the output. */
  interface Action {
    void run(AdminClient api, AdminOutput out);
  }

  /** Runs {@code action} against the service: 0 done, 1 refused or failed. */
  int run(Action action) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (AdminClient api = new AdminClient(baseUrl(), credentials(err), mapper)) {
      action.run(api, new AdminOutput(out, err, mapper, json));
      return 0;
    } catch (AdminClient.Failure f) {
      err.println("idx-auth: " + f.lines.getFirst());
      f.lines.stream().skip(1).forEach(err::println);
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** A new JSON object for a request body. */
  ObjectNode object() {
    return mapper.createObjectNode();
  }

  /** A group named without an action: a usage error listing the actions. */
  static ParameterException missingAction(CommandSpec spec) {
    return new ParameterException(
        spec.commandLine(),
        "Missing action: one of " + String.join(", ", spec.subcommands().keySet()));
  }

  private String baseUrl() {
    String chosen = url != null ? url : env.getOrDefault(URL_ENV, DEFAULT_URL);
    URI uri;
    try {
      uri = URI.create(chosen);
    } catch (IllegalArgumentException e) {
      throw new AdminClient.Failure("'" + chosen + "' is not a URL: " + e.getMessage());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null
        || uri.getQuery() != null
        || uri.getFragment() != null) {
      throw new AdminClient.Failure(
          "'" + chosen + "' is not the URL of a service, like " + DEFAULT_URL);
    }
    return chosen;
  }

  /** From {@code --credentials-file} if given, else from the environment. */
  private AdminClient.Credentials credentials(PrintWriter err) {
    if (credentialsFile != null) {
      return fromFile(credentialsFile, err);
    }
    String id = env.get(CLIENT_ID_ENV);
    String secret = env.get(CLIENT_SECRET_ENV);
    if (id == null || id.isEmpty() || secret == null || secret.isEmpty()) {
      throw new AdminClient.Failure(
          "no admin credentials: set "
              + CLIENT_ID_ENV
              + " and "
              + CLIENT_SECRET_ENV
              + ", or give --credentials-file FILE (properties client_id=… and client_secret=…)");
    }
    return new AdminClient.Credentials(id, secret, "from " + CLIENT_ID_ENV);
  }

  private static AdminClient.Credentials fromFile(Path file, PrintWriter err) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      props.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new AdminClient.Failure("cannot read the credentials file " + file + ": " + e);
    }
    warnIfShared(file, err);
    String id = props.getProperty("client_id", "").strip();
    String secret = props.getProperty("client_secret", "").strip();
    if (id.isEmpty() || secret.isEmpty()) {
      throw new AdminClient.Failure(
          "the credentials file "
              + file
              + " needs both client_id=… and client_secret=… (java properties)");
    }
    return new AdminClient.Credentials(id, secret, "from " + file);
  }

  private static final Set<PosixFilePermission> SHARED =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  private static void warnIfShared(Path file, PrintWriter err) {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (IOException | UnsupportedOperationException e) {
      return; // not a POSIX file system: nothing to say
    }
    if (permissions.stream().anyMatch(SHARED::contains)) {
      err.println(
          "idx-auth: warning: the credentials file "
              + file
              + " is readable or writable by group or others; chmod 600 it");
    }
  }
}
