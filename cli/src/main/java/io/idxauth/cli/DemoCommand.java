package io.idxauth.cli;

import io.idxauth.core.KeyEncryptionKey;
import io.idxauth.core.SecretHashes;
import io.idxauth.gateway.Gateway;
import io.idxauth.gateway.GatewayConfig;
import io.idxauth.gateway.RouteTable;
import io.idxauth.server.IdxAuthServer;
import io.idxauth.server.ServerConfig;
import io.idxauth.store.Database;
import io.idxauth.store.Importer;
import io.idxauth.store.InvalidProvisioningException;
import io.idxauth.store.JdbcStore;
import io.idxauth.store.Provisioning;
import io.idxauth.store.ProvisioningFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code idx-auth demo}: starts the service on the embedded store with a demo dataset, checks that
 * it issues a scoped token, and prints a curl line that does the same.
 */
@Command(
    name = "demo",
    description = "Start on ./data with a demo dataset and print a working example request.")
final class DemoCommand implements Callable<Integer> {

  static final String DEMO_CLIENT = "retailer01-app";

  /** The demo dataset's operator admin. */
  static final String DEMO_OPERATOR = "idx-operator";

  static final String DEMO_SCOPE = "pqd mtrd";

  @Mixin ServerOptions options;

  @Option(
      names = "--check-only",
      description = "Stop after the self-check instead of serving (for scripts).")
  boolean checkOnly;

  @Option(
      names = "--gateway-port",
      description = "Port of the demo's gateway in front of the BFI API (default: any free port).")
  int gatewayPort;

  @Spec CommandSpec spec;

  /**
   * The demo's gateway: the Business Function Information API behind it, open to any valid token,
   * 1440 calls a day per participant (the issue's example).
   */
  private static Gateway startGateway(IdxAuthServer server, ServerConfig config, int port)
      throws RouteTable.Invalid {
    String upstream = "http://127.0.0.1:" + server.port();
    RouteTable routes =
        RouteTable.parse(
            ("routes:\n  - {path: /bfi/v1/**, upstream: '"
                    + upstream
                    + "', entity: null, operations: {GET: read, HEAD: read},"
                    + " rateLimits: [1440/day]}\n")
                .getBytes(StandardCharsets.UTF_8));
    return Gateway.start(
        new GatewayConfig(
            routes,
            "127.0.0.1",
            port,
            URI.create(config.issuerUrl()),
            URI.create(upstream + "/oauth2/jwks"),
            config.audience(),
            Duration.ofSeconds(2),
            null));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, String> defaults = new HashMap<>();
    // Any free port for metrics, so that a demo never fails for want of the management port.
    defaults.put("management-port", "0");
    ServerConfig config = options.load(defaults);
    Database.createDataDirectory(config.dataDir());
    if (config.kek() == null && config.kekFile() == null) {
      Path kekFile = config.dataDir().resolve("kek");
      if (createOwnerOnly(kekFile, KeyEncryptionKey.generateBase64(new SecureRandom()))) {
        out.println(
            "demo: created the key-encryption key "
                + kekFile
                + " (owner-only). In production supply your own: IDX_AUTH_KEK or --kek-file.");
      }
      defaults.put("kek-file", kekFile.toString());
      config = options.load(defaults);
    }

    Map<String, String> secrets = loadDemo(config, out);
    try (IdxAuthServer server = IdxAuthServer.start(config);
        Gateway gateway = startGateway(server, config, gatewayPort)) {
      String base = "http://localhost:" + server.port();
      String secret = secrets.get(DEMO_CLIENT);
      String check = selfCheck(base, secret);
      out.println();
      out.println("idx-auth demo is running at " + base + " (issuer " + config.issuerUrl() + ")");
      out.println("  self-check: " + check);
      out.println("  metadata:   " + base + "/.well-known/oauth-authorization-server");
      out.println(
          "  metrics:    http://127.0.0.1:" + server.managementPort() + "/metrics (local only)");
      out.println("  demo secrets of every demo account: " + secretsFile(config.dataDir()));
      out.println();
      out.println("Get a token scoped to pqd and mtrd:");
      out.println();
      out.println(
          "  curl -s "
              + base
              + "/oauth2/token -d grant_type=client_credentials -d client_id="
              + DEMO_CLIENT
              + " -d client_secret="
              + secret
              + " --data-urlencode 'scope="
              + DEMO_SCOPE
              + "'");
      out.println();
      out.println("Administer it as the demo's operator admin (" + DEMO_OPERATOR + "):");
      out.println();
      out.println("  export IDX_AUTH_URL=" + base + " IDX_AUTH_ADMIN_CLIENT_ID=" + DEMO_OPERATOR);
      out.println(
          "  export IDX_AUTH_ADMIN_CLIENT_SECRET=$(sed -n 's/^"
              + DEMO_OPERATOR
              + "=//p' "
              + secretsFile(config.dataDir())
              + ")");
      out.println("  bin/idx-auth admin accounts list");
      out.println();
      out.println(
          "The Business Function Information API behind the gateway (any token; 1440 calls a day"
              + " per participant):");
      out.println();
      out.println(
          "  curl -s http://localhost:"
              + gateway.port()
              + "/bfi/v1/business-functions -H \"Authorization: Bearer $(curl -s "
              + base
              + "/oauth2/token -d grant_type=client_credentials -d client_id="
              + DEMO_CLIENT
              + " -d client_secret="
              + secret
              + " | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')\""
              + " -H 'x-initiatingParticipantId: RETAILER01' -H 'x-market: NEM'");
      out.println();
      out.flush();
      if (!check.startsWith("ok")) {
        return 1;
      }
      if (!checkOnly) {
        out.println("Press Ctrl-C to stop.");
        out.flush();
        ServeCommand.awaitShutdown(server);
      }
      return 0;
    }
  }

  /**
   * Imports the bundled dataset into the store the service will use (the embedded one, or {@code
   * --db}), with this data directory's demo secrets; returns the secrets.
   */
  private static Map<String, String> loadDemo(ServerConfig config, PrintWriter out)
      throws IOException, InvalidProvisioningException {
    Path dataDir = config.dataDir();
    try (Database database = IdxAuthServer.openStore(config);
        InputStream yaml = DemoCommand.class.getResourceAsStream("demo.yaml")) {
      Importer importer =
          new Importer(new JdbcStore(database), SecretHashes.DEFAULT, Clock.systemUTC());
      Provisioning file = ProvisioningFile.parse(yaml, importer.existing());
      Map<String, String> secrets = demoSecrets(dataDir, file);
      List<Provisioning.AccountSpec> accounts = new ArrayList<>();
      for (Provisioning.AccountSpec a : file.accounts()) {
        accounts.add(a.withSecret(secrets.get(a.clientId())));
      }
      Importer.Report report = importer.apply(file.withAccounts(accounts));
      ImportCommand.print(out, Path.of("(demo dataset)"), report);
      return secrets;
    }
  }

  private static Path secretsFile(Path dataDir) {
    return dataDir.resolve("demo-secrets.properties");
  }

  /** The demo accounts' secrets: generated once per data directory, kept owner-only beside it. */
  private static Map<String, String> demoSecrets(Path dataDir, Provisioning file)
      throws IOException {
    Path path = secretsFile(dataDir);
    Properties props = new Properties();
    if (Files.exists(path)) {
      try (Reader r = Files.newBufferedReader(path)) {
        props.load(r);
      }
    }
    SecureRandom random = new SecureRandom();
    boolean added = false;
    for (Provisioning.AccountSpec a : file.accounts()) {
      if (props.getProperty(a.clientId()) == null) {
        props.setProperty(a.clientId(), SecretHashes.generateSecret(random));
        added = true;
      }
    }
    if (added) {
      Files.deleteIfExists(path);
      createOwnerOnly(path, "");
      try (Writer w = Files.newBufferedWriter(path)) {
        props.store(w, "idx-auth demo secrets: for the demo dataset only");
      }
    }
    Map<String, String> out = new HashMap<>();
    props.forEach((k, v) -> out.put(k.toString(), v.toString()));
    return out;
  }

  /** Writes a new file readable by its owner only; false if it already exists. */
  private static boolean createOwnerOnly(Path path, String content) throws IOException {
    if (Files.exists(path)) {
      return false;
    }
    Files.createFile(
        path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(path, content);
    return true;
  }

  /** Asks the running service for the token the printed curl line asks for. */
  private static String selfCheck(String base, String secret) {
    String body =
        "grant_type=client_credentials&client_id="
            + DEMO_CLIENT
            + "&client_secret="
            + URLEncoder.encode(secret, StandardCharsets.UTF_8)
            + "&scope="
            + URLEncoder.encode(DEMO_SCOPE, StandardCharsets.UTF_8);
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200 && response.body().contains("\"scope\":\"pqd mtrd\"")) {
        return "ok, issued a token scoped to '" + DEMO_SCOPE + "'";
      }
      return "FAILED: HTTP " + response.statusCode() + " " + response.body();
    } catch (IOException e) {
      return "FAILED: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "FAILED: interrupted";
    }
  }
}
