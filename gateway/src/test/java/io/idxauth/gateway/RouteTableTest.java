package io.idxauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

import io.idxauth.core.Operation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteTableTest {

  static final String EXAMPLE =
      """
      routes:
        - path: /pqd/v1/**
          upstream: http://127.0.0.1:9000/
          entity: pqd
          rateLimits: [50/minute, 1440/day]
          timeout: 10s
        - path: /flowctl/v1/**
          upstream: https://flow.example:8443/base
          entity: flowctl
          operations: {POST: execute, GET: read}
          forwardToken: false
        - path: /bfi/v1/**
          upstream: http://127.0.0.1:8080
          entity: null
      """;

  static RouteTable parse(String yaml) throws RouteTable.Invalid {
    return RouteTable.parse(yaml.getBytes(StandardCharsets.UTF_8));
  }

  static List<String> problems(String yaml) {
    try {
      parse(yaml);
    } catch (RouteTable.Invalid e) {
      return e.problems();
    }
    throw new AssertionError("the file was accepted");
  }

  @Test
  void a_valid_file_reads_into_routes_with_defaults() throws Exception {
    List<Route> routes = parse(EXAMPLE).routes();

    assertThat(routes).hasSize(3);
    Route pqd = routes.get(0);
    assertThat(pqd.path().text()).isEqualTo("/pqd/v1/**");
    assertThat(pqd.upstream()).hasToString("http://127.0.0.1:9000");
    assertThat(pqd.entity()).isEqualTo("pqd");
    assertThat(pqd.operations()).isEqualTo(Route.DEFAULT_OPERATIONS);
    assertThat(pqd.rateLimits())
        .extracting(Route.RateLimit::calls, Route.RateLimit::window)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(50L, Duration.ofMinutes(1)),
            org.assertj.core.groups.Tuple.tuple(1440L, Duration.ofDays(1)));
    assertThat(pqd.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(pqd.forwardToken()).isTrue();

    Route flowctl = routes.get(1);
    assertThat(flowctl.upstream()).hasToString("https://flow.example:8443/base");
    assertThat(flowctl.operations())
        .isEqualTo(Map.of("POST", Operation.EXECUTE, "GET", Operation.READ));
    assertThat(flowctl.operation("DELETE")).isNull();
    assertThat(flowctl.forwardToken()).isFalse();
    assertThat(flowctl.timeout()).isEqualTo(Route.DEFAULT_TIMEOUT);

    assertThat(routes.get(2).entity()).isNull();
    assertThat(routes.get(2).rateLimits()).isEmpty();
  }

  @Test
  void default_operations_follow_the_http_methods() {
    assertThat(Route.DEFAULT_OPERATIONS)
        .containsEntry("GET", Operation.READ)
        .containsEntry("HEAD", Operation.READ)
        .containsEntry("POST", Operation.CREATE)
        .containsEntry("PUT", Operation.UPDATE)
        .containsEntry("PATCH", Operation.UPDATE)
        .containsEntry("DELETE", Operation.DELETE)
        .hasSize(6);
  }

  @Test
  void calls_take_the_first_route_that_matches() throws Exception {
    RouteTable table =
        parse(
            """
            routes:
              - {path: /pqd/v1/special, upstream: "http://a", entity: pqd}
              - {path: /pqd/v1/**, upstream: "http://b", entity: pqd}
              - {path: /**, upstream: "http://c", entity: null}
            """);

    assertThat(table.match("/pqd/v1/special").upstream()).hasToString("http://a");
    assertThat(table.match("/pqd/v1/other").upstream()).hasToString("http://b");
    assertThat(table.match("/mtrd/v1").upstream()).hasToString("http://c");
  }

  @Test
  void no_match_is_null() throws Exception {
    assertThat(parse(EXAMPLE).match("/mtrd/v1/x")).isNull();
  }

  @Test
  void every_problem_is_named_by_its_path() {
    List<String> problems =
        problems(
            """
            routes:
              - path: pqd/v1/**
                upstream: ftp://x
                entity: PQD
                operations: {get: read, POST: publish}
                rateLimits: [50/fortnight, "0/minute"]
                timeout: soon
                forwardToken: maybe
                ratelimits: [1/second]
              - upstream: http://127.0.0.1:9000
                entity: pqd
              - path: /mtrd/**
                upstream: http://127.0.0.1:9000?x=1
            """);

    assertThat(problems)
        .containsExactlyInAnyOrder(
            "routes[0].ratelimits: unknown field (known: entity, forwardToken, operations,"
                + " path, rateLimits, timeout, upstream)",
            "routes[0].path: 'pqd/v1/**' must start with /",
            "routes[0].upstream: 'ftp://x' is not an http:// or https:// URL",
            "routes[0].entity: 'PQD' is not an entity name ([a-z0-9][a-z0-9._-]{0,63})",
            "routes[0].operations.get: not an HTTP method in capitals (GET, POST, …)",
            "routes[0].operations.POST: expected one of create, read, update, delete, execute,"
                + " not 'publish'",
            "routes[0].rateLimits[0]: '50/fortnight' is not N/second, N/minute, N/hour or N/day"
                + " (N a whole number from 1)",
            "routes[0].rateLimits[1]: '0/minute' is not N/second, N/minute, N/hour or N/day"
                + " (N a whole number from 1)",
            "routes[0].timeout: 'soon' is not a duration such as 500ms, 2s, 5m or 1h",
            "routes[0].forwardToken: expected true or false",
            "routes[1].path: required",
            "routes[2].upstream: 'http://127.0.0.1:9000?x=1' may hold only scheme, host, port"
                + " and a path",
            "routes[2].entity: required: the entity a token must grant, or null for any valid"
                + " token");
  }

  @Test
  void a_route_that_can_never_be_reached_is_refused() {
    assertThat(
            problems(
                """
                routes:
                  - {path: /pqd/**, upstream: "http://a", entity: pqd}
                  - {path: /pqd/v1/**, upstream: "http://b", entity: pqd}
                """))
        .containsExactly(
            "routes[1].path: never reached: the earlier route with path '/pqd/**' takes every"
                + " call it would");
  }

  @Test
  void the_gateways_own_paths_are_reserved() {
    assertThat(
            problems(
                """
                routes:
                  - {path: /_idx/decision, upstream: "http://a", entity: null}
                """))
        .containsExactly(
            "routes[0].path: '/_idx/decision' is reserved for the gateway's own endpoints");
  }

  @Test
  void yaml_anchors_are_refused() {
    assertThat(
            problems(
                """
                routes:
                  - &r {path: /pqd/**, upstream: "http://a", entity: pqd}
                  - *r
                """))
        .singleElement()
        .asString()
        .startsWith("(file): YAML anchors and aliases (&name, *name) are not accepted, at line 2");
  }

  @Test
  void an_empty_or_shapeless_file_is_refused() {
    assertThat(problems("")).containsExactly("(file): the file is empty");
    assertThat(problems("- a\n- b\n"))
        .containsExactly("(file): expected a mapping with a list of routes");
    assertThat(problems("routes: []\n"))
        .containsExactly("routes: expected a list of at least one route");
    assertThat(problems("routes: [a: b\n")).singleElement().asString().startsWith("(file): not");
  }

  @Test
  void reads_a_file(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("routes.yaml");
    Files.writeString(file, EXAMPLE);
    assertThat(RouteTable.read(file).routes()).hasSize(3);
    assertThatThrownBy(() -> RouteTable.read(dir.resolve("missing.yaml")))
        .isInstanceOf(RouteTable.Invalid.class)
        .extracting(e -> ((RouteTable.Invalid) e).problems(), LIST)
        .singleElement()
        .asString()
        .contains("missing.yaml: cannot read");
  }

  @Test
  void the_example_routes_file_in_docs_is_valid() throws Exception {
    Path example = Path.of("../docs/gateway/routes.example.yaml");
    RouteTable table = RouteTable.read(example);
    Route bfi = table.match("/bfi/v1/business-functions");
    assertThat(bfi.entity()).isNull();
    assertThat(bfi.rateLimits()).extracting(Route.RateLimit::text).containsExactly("1440/day");
  }
}
