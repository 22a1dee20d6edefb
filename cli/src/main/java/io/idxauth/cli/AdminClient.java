package io.idxauth.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The admin API of an idx-auth service, as a client sees it: one access token (client credentials,
 * scope {@code idx-admin}) fetched on first use, then JSON requests below {@code /admin/v1}. Every
 * refusal, problem or unreachable service becomes a {@link Failure} carrying the lines to print.
 */
final class AdminClient implements AutoCloseable {

  /** The admin account's credentials, and where they came from (for messages). */
  record Credentials(String clientId, String secret, String source) {}

  /** What went wrong, as lines for standard error: the first is the summary. */
  static final class Failure extends RuntimeException {
    final List<String> lines;

    Failure(String... lines) {
      this(List.of(lines));
    }

    Failure(List<String> lines) {
      super(String.join("\n", lines), null, false, false);
      this.lines = List.copyOf(lines);
    }
  }

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final String base;
  private final Credentials credentials;
  private final ObjectMapper json;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(CONNECT_TIMEOUT)
          .build();
  private String accessToken;

  /** {@code base}: the service's URL, e.g. {@code https://auth.example:8443} or with a path. */
  AdminClient(String base, Credentials credentials, ObjectMapper json) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.credentials = credentials;
    this.json = json;
  }

  JsonNode get(String path) {
    return send("GET", path, null);
  }

  /**
   * Sends {@code method} to {@code path} below {@code /admin/v1} with an optional JSON body;
   * returns the answer's JSON, or {@code null} for 204 No Content.
   */
  JsonNode send(String method, String path, JsonNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/admin/v1" + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + token())
            .header("Accept", "application/json, application/problem+json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(write(body)));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response = exchange(request.build());
    int status = response.statusCode();
    if (status == 204) {
      return null;
    }
    if (status >= 200 && status < 300) {
      JsonNode answer = parse(response);
      if (answer == null) {
        throw new Failure(status + " from " + method + " " + path + " is not JSON");
      }
      return answer;
    }
    throw problem(response);
  }

  /**
   * RFC 6749 §4.4 with client_secret_basic (§2.3.1: id and secret form-urlencoded, then Base64),
   * asking for the admin API's scope; once per client.
   */
  private String token() {
    if (accessToken != null) {
      return accessToken;
    }
    String pair = formEncode(credentials.clientId()) + ":" + formEncode(credentials.secret());
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
            .timeout(REQUEST_TIMEOUT)
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "grant_type=client_credentials&scope=idx-admin"))
            .build();
    HttpResponse<String> response = exchange(request);
    JsonNode answer = parse(response);
    String tokenUrl = base + "/oauth2/token";
    if (response.statusCode() == 401) {
      throw new Failure(
          "the admin credentials of "
              + credentials.clientId()
              + " ("
              + credentials.source()
              + ") were refused by "
              + tokenUrl
              + ": wrong client_id or secret, or the account is disabled, locked or expired");
    }
    if (response.statusCode() != 200 || answer == null || !answer.hasNonNull("access_token")) {
      String error = answer == null ? "" : answer.path("error").asText("");
      String description = answer == null ? "" : answer.path("error_description").asText("");
      throw new Failure(
          "the token request to "
              + tokenUrl
              + " failed: "
              + response.statusCode()
              + (error.isEmpty() ? "" : " " + error)
              + (description.isEmpty() ? "" : ": " + description));
    }
    List<String> scope = Arrays.asList(answer.path("scope").asText("").split(" "));
    if (!scope.contains("idx-admin")) {
      throw new Failure(
          "account "
              + credentials.clientId()
              + " holds no admin role (operator-admin or participant-admin): its token is not"
              + " scoped to idx-admin");
    }
    accessToken = answer.path("access_token").asText();
    return accessToken;
  }

  /** A refusal of the admin API, an RFC 9457 problem if the service sent one. */
  private Failure problem(HttpResponse<String> response) {
    JsonNode problem = parse(response);
    int status = response.statusCode();
    if (problem == null || !problem.isObject()) {
      return new Failure(status + " from " + response.uri() + " (not a problem document)");
    }
    String title = problem.path("title").asText("");
    String detail = problem.path("detail").asText("");
    List<String> lines = new ArrayList<>();
    lines.add(
        status + (title.isEmpty() ? "" : " " + title) + (detail.isEmpty() ? "" : ": " + detail));
    for (JsonNode error : problem.path("errors")) {
      lines.add("  " + error.asText());
    }
    if (problem.hasNonNull("missingRight")) {
      lines.add("  missing right: " + problem.path("missingRight").asText());
    }
    return new Failure(lines);
  }

  private HttpResponse<String> exchange(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("no connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
    } catch (HttpTimeoutException e) {
      throw new Failure(
          "the idx-auth service at "
              + base
              + " did not answer within "
              + REQUEST_TIMEOUT.toSeconds()
              + " s");
    } catch (ConnectException e) {
      throw unreachable(e.getMessage() == null ? "connection refused" : e.getMessage());
    } catch (IOException e) {
      throw unreachable(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }

  private Failure unreachable(String why) {
    return new Failure(
        "cannot reach the idx-auth service at "
            + base
            + " ("
            + why
            + "); give its address with --url or IDX_AUTH_URL");
  }

  private JsonNode parse(HttpResponse<String> response) {
    String body = response.body();
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return json.readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private String write(JsonNode body) {
    try {
      return json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A query string of the pairs whose value is not null: {@code ""} or {@code ?a=1&b=2}. */
  static String query(Object... namesAndValues) {
    StringBuilder query = new StringBuilder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      Object value = namesAndValues[i + 1];
      if (value != null) {
        query.append(query.isEmpty() ? '?' : '&').append(namesAndValues[i]).append('=');
        query.append(formEncode(value.toString()));
      }
    }
    return query.toString();
  }

  /** A path segment, percent-encoded. */
  static String segment(String value) {
    return formEncode(value).replace("+", "%20");
  }

  static String formEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    http.close();
  }
}
