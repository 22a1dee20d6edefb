package io.idxauth.server;

import io.idxauth.core.KeyEncryptionKey;
import io.idxauth.core.SecretHashes;
import io.idxauth.store.Database;
import io.idxauth.store.Importer;
import io.idxauth.store.JdbcStore;
import io.idxauth.store.ProvisioningFile;
import io.idxauth.store.testing.TestDatabases;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A real idx-auth service for tests: its own SQLite store in a temporary directory, a real RSA key,
 * listening on a real loopback socket.
 */
public final class TestService implements AutoCloseable {

  /** Participants, entities and accounts that the HTTP tests rely on. */
  public static final String FIXTURE =
      """
      participants:
        - id: RETAILER01
          name: Retailer One
          entitlements:
            - {entity: pqd, participants: [RETAILER01, RETAILER02], operations: [read, create]}
            - {entity: mtrd, participants: [RETAILER01], operations: [read]}
        - {id: IDXOPS, name: IDX operator}
        - {id: RETAILER02, name: Retailer Two}
        - {id: DNSP01, name: Network One}
      entities:
        - name: pqd
          kind: business-function
          description: Power quality data
          title: Power Quality Data
          operations: [create, read]
          resources:
            - {resource: PowerQualityData, schemaVersions: ['1.0', '1.1'], payloadTypes: [application/json, text/csv], retention: P7Y}
        - {name: mtrd, kind: business-function, description: Meter data, operations: [create, read, update]}
        - {name: sord, kind: business-function, description: Service orders, operations: [create, read, update, delete]}
        - {name: flowctl, kind: idx-service, description: Flow control, operations: [read, execute]}
      accounts:
        - clientId: retailer01-app
          participant: RETAILER01
          secret: "s3cret: with+special&chars=%"
          entitlements:
            - {entity: pqd, participants: [RETAILER01, RETAILER02], operations: [read, create]}
            - {entity: mtrd, participants: [RETAILER01], operations: [read]}
        - clientId: dnsp01-app
          participant: DNSP01
          secret: dnsp01-secret
          entitlements:
            - {entity: flowctl, participants: [DNSP01], operations: [execute]}
        - clientId: suspended-app
          participant: RETAILER02
          enabled: false
          secret: suspended-secret
        - clientId: ops-admin
          participant: IDXOPS
          roles: [operator-admin]
          secret: ops-admin-secret
        - clientId: r1-admin
          participant: RETAILER01
          roles: [participant-admin]
          secret: r1-admin-secret
      """;

  /** The fixture's operator admin and participant admin (of RETAILER01), with their secrets. */
  public static final String OPERATOR = "ops-admin";

  public static final String OPERATOR_SECRET = "ops-admin-secret";
  public static final String R1_ADMIN = "r1-admin";
  public static final String R1_ADMIN_SECRET = "r1-admin-secret";

  public static final String CLIENT = "retailer01-app";
  public static final String SECRET = "s3cret: with+special&chars=%";

  private final Path dataDir;
  private final String kek;
  private IdxAuthServer server;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private TestService(Path dataDir, String kek) {
    this.dataDir = dataDir;
    this.kek = kek;
  }

  /** Provisions {@link #FIXTURE} into {@code dataDir} and starts the service. */
  public static TestService start(Path dataDir) {
    String kek = KeyEncryptionKey.generateBase64(new SecureRandom());
    TestService service = new TestService(dataDir, kek);
    service.provision(FIXTURE);
    service.restart();
    return service;
  }

  /**
   * A service on {@code dataDir} with a key-encryption key of its own, neither provisioned nor
   * started: for tests that start instances themselves ({@link #another}).
   */
  public static TestService unstarted(Path dataDir) {
    return new TestService(dataDir, KeyEncryptionKey.generateBase64(new SecureRandom()));
  }

  /**
   * Another instance on the store and key-encryption key of {@code first}, as a second process
   * behind the same load balancer: nothing is provisioned again.
   */
  public static TestService another(TestService first, Map<String, String> overrides) {
    TestService service = new TestService(first.dataDir, first.kek);
    service.restart(overrides);
    return service;
  }

  /** Applies a provisioning file to the store, as {@code idx-auth import} does. */
  public void provision(String yaml) {
    try (Database database = TestDatabases.open(dataDir)) {
      Importer importer =
          new Importer(new JdbcStore(database), new SecretHashes(1024, 1), Clock.systemUTC());
      importer.apply(
          ProvisioningFile.parse(
              new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
              importer.existing()));
    } catch (Exception e) {
      throw new IllegalStateException("fixture does not import: " + e.getMessage(), e);
    }
  }

  /** Stops the service if it runs and starts it again on the same store and key-encryption key. */
  public void restart() {
    restart(Map.of());
  }

  /** As {@link #restart()}, with some settings changed. */
  public void restart(Map<String, String> overrides) {
    stop();
    // A free port can be taken by another process before the service binds it: try another.
    for (int attempt = 1; ; attempt++) {
      try {
        server = IdxAuthServer.start(config(overrides));
        return;
      } catch (IllegalArgumentException e) {
        boolean portTaken = e.getMessage() != null && e.getMessage().contains("in use");
        if (!portTaken || overrides.containsKey("port") || attempt == 3) {
          throw e;
        }
      }
    }
  }

  public ServerConfig config(Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>();
    settings.put("data", dataDir.toString());
    settings.put("host", "127.0.0.1");
    settings.put("port", Integer.toString(freePort()));
    settings.put("kek", kek);
    settings.put("management-port", "0");
    // Tests refuse many clients on purpose; the lifecycle tests turn the limits back on.
    settings.put("lockout-threshold", "0");
    settings.put("source-failure-limit", "0");
    // On the PostgreSQL run, the database that stands for this data directory.
    settings.putAll(TestDatabases.settings(dataDir));
    settings.putAll(overrides);
    return ServerConfig.load(settings, Map.of(), null);
  }

  public void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  public IdxAuthServer server() {
    return server;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String base() {
    return "http://127.0.0.1:" + server.port();
  }

  public String issuer() {
    return server.config().issuerUrl();
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base() + path)).GET().build());
  }

  /** A GET on the management listener. */
  public HttpResponse<String> getManagement(String path) {
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort() + path))
            .GET()
            .build());
  }

  /** Posts a form body, with alternating header names and values. */
  public HttpResponse<String> postForm(String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + "/oauth2/token"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    boolean contentType = false;
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
      contentType |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (!contentType) {
      request.header("Content-Type", "application/x-www-form-urlencoded");
    }
    return send(request.build());
  }

  /** The access token the fixture's {@link #CLIENT} gets for {@code scope}; fails on an error. */
  public String accessToken(String scope) {
    HttpResponse<String> response =
        postForm(
            form(
                "grant_type", "client_credentials",
                "client_id", CLIENT,
                "client_secret", SECRET,
                "scope", scope));
    if (response.statusCode() != 200) {
      throw new AssertionError("token request failed: " + response.body());
    }
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(response.body())
          .path("access_token")
          .asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A token request by {@code clientId} with {@code secret} for {@code scope}. */
  public HttpResponse<String> token(String clientId, String secret, String scope) {
    return postForm(
        form(
            "grant_type", "client_credentials",
            "client_id", clientId,
            "client_secret", secret,
            "scope", scope));
  }

  /** An admin API token of {@code clientId}; fails on an error. */
  public String adminToken(String clientId, String secret) {
    HttpResponse<String> response = token(clientId, secret, "idx-admin");
    if (response.statusCode() != 200) {
      throw new AssertionError("admin token request failed: " + response.body());
    }
    return json(response).path("access_token").asText();
  }

  /** The fixture's operator admin's token. */
  public String operatorToken() {
    return adminToken(OPERATOR, OPERATOR_SECRET);
  }

  /** An admin API call: {@code path} below /admin/v1, a JSON body or {@code null}. */
  public HttpResponse<String> admin(String method, String path, String token, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + "/admin/v1" + path))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return send(request.build());
  }

  public static com.fasterxml.jackson.databind.JsonNode json(HttpResponse<String> response) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** RFC 6749 §2.3.1: each part form-urlencoded, joined by a colon, then Base64. */
  public static String basic(String clientId, String secret) {
    String pair =
        java.net.URLEncoder.encode(clientId, StandardCharsets.UTF_8)
            + ":"
            + java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  public static String form(String... namesAndValues) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(java.net.URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8))
          .append('=')
          .append(java.net.URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path tempDir() {
    try {
      return Files.createTempDirectory("idx-auth-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
